import ATSBridgeApp
import ATSBridgeCore

/// The short text `serve` prints once it is ready.
enum Banner {
    static func text(_ ready: ServerReady) -> String {
        var lines = [
            "ATSBridge \(ATSBridgeVersion.current) listening on \(ready.listen)" + (ready.tls.map { " (\($0))" } ?? "")
        ]
        if let metrics = ready.metrics { lines.append("metrics: http://\(metrics)/metrics") }
        guard let demo = ready.demo else { return lines.joined(separator: "\n") }
        let counts = demo.counts.map { "\($0.count) \($0.model)s" }.joined(separator: ", ")
        lines += [
            "demo integration '\(demo.integrationID)' synced from the RECRU sandbox at \(demo.sandboxURL): \(counts)",
            "API key: \(demo.apiKey)",
            "",
            "Try:",
            "  export ATSBRIDGE_SERVER=\(ready.listen) ATSBRIDGE_API_KEY=\(demo.apiKey) ATSBRIDGE_INTEGRATION=\(demo.integrationID)",
            "  atsbridge get candidates --format table",
            "  atsbridge export candidates --out candidates.ndjson",
            "  atsbridge watch",
        ]
        return lines.joined(separator: "\n")
    }
}
