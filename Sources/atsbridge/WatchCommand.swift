import ATSBridgeClient
import ATSBridgeProto
import ArgumentParser

/// `atsbridge watch`: print change events as they are committed.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Stream the integration's change events as NDJSON: sequence, model, kind, ids.",
        discussion: """
            Without --from the stream starts at the latest change, so nothing prints until \
            something changes; --from 0 replays every change from the start. Resume with \
            --from and the last sequence you processed: nothing is missed and nothing comes \
            twice. On a terminal, stderr says where the stream starts. When the server shuts \
            down the command ends with UNAVAILABLE PLATFORM.SERVER_SHUTTING_DOWN (exit 69).

            Examples:
              atsbridge watch
              atsbridge watch --from 1200 --model candidates --model applications
              atsbridge watch --from 0 --count 10
            """
    )

    @OptionGroup var client: ClientOptions
    @Option(help: "Resume after this sequence number; 0 replays every change (default: from now on).")
    var from: UInt64?
    @Option(help: "Only this model (repeatable), e.g. candidates.") var model: [String] = []
    @Option(help: "Exit after this many events (1 or more).") var count: Int?

    func validate() throws {
        if let count = self.count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    static let models: [String: Model] = [
        "users": .user, "jobs": .job, "candidates": .candidate, "application_stages": .applicationStage,
        "applications": .application, "tags": .tag, "candidate_tags": .candidateTag,
        "job_application_stages": .jobApplicationStage, "job_hiring_team_members": .jobHiringTeamMember,
    ]

    func run() async throws {
        try await CLIFailure.run {
            let models = try self.model.map { name -> Model in
                guard let model = Self.models[name] else {
                    throw CLIFailure.usage(
                        "unknown model '\(name)'; one of: \(CLIModels.names.joined(separator: ", "))"
                    )
                }
                return model
            }
            try await self.client.withClient(needsIntegration: true) { client, options in
                var streaming = options
                streaming.timeout = nil
                var seen = 0
                // On a terminal the server first tells where the stream starts, for the hint.
                let announce = Terminal.stderrIsTerminal
                let request = WatchRequest(
                    afterSequence: self.from,
                    models: models,
                    announceStart: announce ? true : nil
                )
                for try await batch in client.serverStreaming(ChangesService.watch, request, options: streaming) {
                    if let start = batch.startSequence {
                        Terminal.error("watching from sequence \(start); Ctrl-C to stop (--from 0 replays everything)")
                    }
                    for event in batch.events {
                        Terminal.out(event.jsonBytes() + [0x0A])
                        seen += 1
                        if let count = self.count, seen >= count { return }
                    }
                }
            }
        }
    }
}
