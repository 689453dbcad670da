import ATSBridgeProto
import ATSBridgeTestSupport
import ArgumentParser
import Foundation
import Testing

@testable import atsbridge

/// The documents and `--help` texts match the commands: every command and flag is in
/// docs/cli.md, the README's layout names every command, examples survive wrapping, and the
/// document checks and the warning check catch what they are for.
@Suite struct DocsAndHelpTests {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private static func read(_ path: String) throws -> String {
        try String(contentsOf: self.repository.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every command with its path of names (`integrations show`), depth first.
    private static func commands(
        _ command: any ParsableCommand.Type = ATSBridgeCommand.self,
        path: [String] = []
    ) -> [(path: [String], type: any ParsableCommand.Type)] {
        command.configuration.subcommands.flatMap { sub -> [(path: [String], type: any ParsableCommand.Type)] in
            let name = sub.configuration.commandName ?? String(describing: sub).lowercased()
            return [(path + [name], sub)] + self.commands(sub, path: path + [name])
        }
    }

    /// The `--flags` a command's help shows.
    private static func flags(_ command: any ParsableCommand.Type) -> Set<String> {
        let help = ATSBridgeCommand.helpMessage(for: command, columns: 200)
        let options = help.components(separatedBy: "OPTIONS:").dropFirst().joined()
        let regex = /--[a-z][a-z0-9-]*/
        return Set(options.matches(of: regex).map { String($0.output) }).subtracting(["--help", "--version"])
    }

    @Test func docsCLIListsEveryCommandAndFlag() throws {
        let cli = try Self.read("docs/cli.md")
        for (path, type) in Self.commands() where type.configuration.subcommands.isEmpty {
            #expect(
                cli.contains("`\(path.joined(separator: " "))"),
                "docs/cli.md names `\(path.joined(separator: " "))`"
            )
            for flag in Self.flags(type) {
                #expect(cli.contains("`\(flag)"), "docs/cli.md names \(flag) of \(path.joined(separator: " "))")
            }
        }
    }

    @Test func theReadmeLayoutNamesEveryCommand() throws {
        let readme = try Self.read("README.md")
        let row = try #require(readme.split(separator: "\n").first { $0.hasPrefix("| `Sources/atsbridge` |") })
        for (path, _) in Self.commands() where path.count == 1 {
            #expect(row.contains("`\(path[0])`"), "the README's layout names \(path[0])")
        }
    }

    @Test func bothReadmeCommandsShareOneBuildAndTheReadmeSaysWhatItNeeds() throws {
        for script in ["scripts/run-demo.sh", "scripts/test.sh"] {
            let text = try Self.read(script)
            #expect(text.contains("\nscripts/build.sh\n"), "\(script) runs the shared build")
            #expect(!text.contains("swift build"), "\(script) builds nothing of its own")
        }
        #expect(try Self.read("scripts/run-demo.sh").contains("exec .build/debug/atsbridge serve --demo"))
        #expect(try Self.read("scripts/build.sh").contains("swift build --build-tests"))
        let readme = try Self.read("README.md")
        #expect(readme.contains("Swift 6.1 or newer (check with `swift --version`"))
        #expect(readme.contains("the first build takes about 8 minutes"))
    }

    @Test func theBuildRefusesASwiftOlderThan61Clearly() async throws {
        let bin = TemporaryFiles.unique("old-swift")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let swift = bin.appendingPathComponent("swift")
        try "#!/bin/sh\necho 'Swift version 5.10 (swift-5.10-RELEASE)'\n".write(
            to: swift,
            atomically: true,
            encoding: .utf8
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: swift.path)
        let process = try await ChildProcess.run(
            Self.repository.appendingPathComponent("scripts/build.sh").path,
            environment: ["PATH": "\(bin.path):/usr/sbin:/usr/bin:/sbin:/bin"]
        )
        let message = process.stderr
        #expect(process.status == 69)
        #expect(
            message == "build: ATSBridge needs Swift 6.1 or newer; found: Swift version 5.10 (swift-5.10-RELEASE)\n"
        )
    }

    @Test func helpExamplesAreNotBrokenByWrapping() {
        for (path, type) in [([], ATSBridgeCommand.self)] + Self.commands() {
            let help = ATSBridgeCommand.helpMessage(for: type, columns: 80)
            let shown = Set(help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            let examples = type.configuration.discussion.split(separator: "\n").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { $0.hasPrefix("atsbridge ") || $0.hasPrefix("--") || $0.hasSuffix("\\") }
            // A `\\` continuation in the source whose next line was joined into it leaves a run of spaces.
            for line in type.configuration.discussion.split(separator: "\n") {
                let text = line.drop { $0 == " " }
                #expect(!text.contains("   "), "no joined continuation in `\(path.joined(separator: " "))`: \(text)")
            }
            for line in examples {
                #expect(shown.contains(line), "`atsbridge \(path.joined(separator: " ")) --help` shows `\(line)` whole")
            }
        }
    }

    @Test func everyStatusHasItsOwnDocumentedExitCode() throws {
        let cli = try Self.read("docs/cli.md")
        let statuses: [(name: String, code: Int32)] = [
            ("CANCELLED", 69), ("UNKNOWN", 76), ("INVALID_ARGUMENT", 65), ("DEADLINE_EXCEEDED", 69), ("NOT_FOUND", 66),
            ("ALREADY_EXISTS", 73), ("PERMISSION_DENIED", 77), ("RESOURCE_EXHAUSTED", 75), ("FAILED_PRECONDITION", 75),
            ("ABORTED", 75), ("OUT_OF_RANGE", 65), ("UNIMPLEMENTED", 76), ("INTERNAL", 70), ("UNAVAILABLE", 69),
            ("DATA_LOSS", 70), ("UNAUTHENTICATED", 77),
        ]
        for (index, entry) in statuses.enumerated() {
            let status = StatusCode(rawValue: Int32(index + 1))
            #expect(status.name == entry.name)
            #expect(CLIFailure.exitCode(status) == entry.code)
            #expect(CLIFailure.exitCode(status) != 1, "1 is left for crashes")
            let row = cli.split(separator: "\n").first { $0.hasPrefix("| \(entry.code) |") }
            #expect(row?.contains("`\(entry.name)`") == true, "docs/cli.md documents \(entry.name)")
        }
    }

    @Test func theJSONIndenterKeepsOrderAndStrings() {
        let compact = #"{"b":1,"a":[],"s":"x,{\":y","n":{"k":[1,2]}}"#
        let indented = String(decoding: JSONIndenter.indent(Array(compact.utf8)), as: UTF8.self)
        #expect(
            indented == """
                {
                  "b": 1,
                  "a": [],
                  "s": "x,{\\":y",
                  "n": {
                    "k": [
                      1,
                      2
                    ]
                  }
                }
                """
        )
    }

    private func script(_ name: String, _ arguments: [String] = []) async throws -> Int32 {
        try await ChildProcess.run(Self.repository.appendingPathComponent("scripts/\(name)").path, arguments).status
    }

    @Test func theDocumentCheckPassesAndTheWarningCheckCatchesOurWarningsOnly() async throws {
        #expect(try await self.script("check-docs.sh") == 0)
        let log = TemporaryFiles.unique("build", extension: "log")
        let repo = Self.repository.path
        try "\(repo)/.build/checkouts/x/Sources/A.swift:1:2: warning: theirs\n".write(
            to: log,
            atomically: true,
            encoding: .utf8
        )
        #expect(try await self.script("check-warnings.sh", [log.path]) == 0)
        try "\(repo)/Sources/ATSBridgeRPC/X.swift:3:4: warning: ours\n".write(
            to: log,
            atomically: true,
            encoding: .utf8
        )
        #expect(try await self.script("check-warnings.sh", [log.path]) == 1)
    }
}
