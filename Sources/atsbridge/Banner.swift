import ATSBridgeApp
import ATSBridgeCore
import Foundation

/// The short text `serve` prints once it is ready.
enum Banner {
    /// - Parameter binary: The running executable's absolute path, so the "Try:" lines run as
    ///   printed, without `atsbridge` on the PATH.
    static func text(_ ready: ServerReady, binary: String = Banner.executablePath) -> String {
        var lines = [
            "ATSBridge \(ATSBridgeVersion.current) listening on \(ready.listen)" + (ready.tls.map { " (\($0))" } ?? "")
        ]
        if let metrics = ready.metrics { lines.append("metrics: http://\(metrics)/metrics") }
        if let store = ready.store { lines.append("store: \(store)") }
        guard let demo = ready.demo else { return lines.joined(separator: "\n") }
        let counts = demo.counts.map { "\($0.count) \($0.model)s" }.joined(separator: ", ")
        let directory = (binary as NSString).deletingLastPathComponent
        lines += [
            "demo integration '\(demo.integrationID)' synced from the RECRU sandbox at \(demo.sandboxURL): \(counts)",
            "API key: \(demo.apiKey)",
            "",
            "Try (in another terminal; files go to a scratch folder):",
            "  export PATH=\"\(directory):$PATH\" ATSBRIDGE_SERVER=\(ready.listen) ATSBRIDGE_API_KEY=\(demo.apiKey) "
                + "ATSBRIDGE_INTEGRATION=\(demo.integrationID)",
            "  cd \"$(mktemp -d)\"",
            "  atsbridge get candidates --format table",
            "  atsbridge export candidates --out candidates.ndjson",
            "  atsbridge watch --from 0",
        ]
        return lines.joined(separator: "\n")
    }

    /// The absolute path of the running executable (symbolic links resolved).
    static var executablePath: String {
        if let url = Bundle.main.executableURL { return url.resolvingSymlinksInPath().path }
        let path = CommandLine.arguments[0]
        return path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
