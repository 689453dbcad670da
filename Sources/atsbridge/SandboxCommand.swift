import ATSBridgeSandbox
import ArgumentParser
import Logging
import ServiceLifecycle
import UnixSignals

/// `atsbridge sandbox`: the RECRU sandbox, standalone.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the RECRU sandbox: an emulator of RECRU's JSON-RPC API with seeded data.",
        discussion: """
            Serves POST /api/json-rpc (docs/recru-jsonrpc.md) and logs each call. With \
            --admin-secret, faults can also be set, changed and cleared at run time \
            (SandboxAdmin.setFaults, changeFaults, clearFaults).

            Examples:
              atsbridge sandbox --port 8480 --seed 7 --size medium
              atsbridge sandbox --jobseekers 100000 --applications 200000 --projects 2000
              atsbridge sandbox --admin-secret s3cret --rate-limit 10 --error-rate 0.05
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8480

    @Option(help: "Seed of the generated data; the same seed gives the same data.")
    var seed: UInt64 = 1

    @Option(help: "Size preset: small, medium or large.")
    var size = "small"

    @Option(help: "Override the preset's number of projects.")
    var projects: Int?

    @Option(help: "Override the preset's number of jobseekers.")
    var jobseekers: Int?

    @Option(help: "Override the preset's number of applications.")
    var applications: Int?

    @Option(help: "The API user's login.")
    var login = "api@acme.example"

    @Option(help: "The API user's password.")
    var password = "sandbox"

    @Option(help: "Secret for the SandboxAdmin.* mutation methods (header X-Sandbox-Admin-Secret).")
    var adminSecret: String?

    @Option(help: "Token lifetime in seconds.")
    var tokenLifetime = 3600

    @Option(help: "Requests per second per token before HTTP 429 (fault injection).")
    var rateLimit: Int?

    @Option(help: "Probability of HTTP 503 per request, 0 to 1 (fault injection).")
    var errorRate = 0.0

    @Option(help: "Probability of HTTP 429 per request whatever its rate, 0 to 1 (fault injection).")
    var rateLimitedRate = 0.0

    @Option(help: "Latency added to every answer, in milliseconds (fault injection).")
    var latencyMs = 0

    @Option(help: "Probability of a dropped connection per request, 0 to 1 (fault injection).")
    var dropRate = 0.0

    @Option(help: "Probability of a truncated body per request, 0 to 1 (fault injection).")
    var truncateRate = 0.0

    @Option(help: "The Retry-After value of 429 answers, in seconds (fault injection).")
    var retryAfter = 1

    @Option(help: "Seed of the fault dice, so that a faulty run can be replayed.")
    var faultSeed: UInt64 = 1

    @Option(help: "A method that always answers HTTP 503 (fault injection). Repeatable.")
    var failingMethod: [String] = []

    @Option(
        help:
            "A method that runs and then loses its answer (half the body, then close), as a connection breaking after RECRU wrote. Repeatable."
    )
    var lostAnswerMethod: [String] = []

    func validate() throws {
        guard SandboxSize(preset: self.size) != nil else {
            throw ValidationError("--size must be small, medium or large, not '\(self.size)'")
        }
        for (name, value) in [
            ("--error-rate", self.errorRate), ("--drop-rate", self.dropRate), ("--truncate-rate", self.truncateRate),
            ("--rate-limited-rate", self.rateLimitedRate),
        ]
        where !(0...1).contains(value) {
            throw ValidationError("\(name) must be from 0 to 1")
        }
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let unknown = SandboxFaults.firstUnknownMethod(in: self.failingMethod + self.lostAnswerMethod) {
            throw ValidationError("'\(unknown)' is not a RECRU method (e.g. JobseekerService.apply)")
        }
        for (name, value) in [
            ("--projects", self.projects), ("--jobseekers", self.jobseekers), ("--applications", self.applications),
        ] {
            if let value, !(0...5_000_000).contains(value) {
                throw ValidationError("\(name) must be from 0 to 5000000")
            }
        }
        guard self.tokenLifetime > 0, self.latencyMs >= 0, (self.rateLimit ?? 1) > 0, self.retryAfter >= 0 else {
            throw ValidationError(
                "--token-lifetime and --rate-limit must be positive, --latency-ms and --retry-after not negative"
            )
        }
    }

    func run() async throws {
        var size = SandboxSize(preset: self.size)!
        if let projects { size.projects = projects }
        if let jobseekers { size.jobseekers = jobseekers }
        if let applications { size.applications = applications }
        var configuration = SandboxConfiguration()
        configuration.login = self.login
        configuration.password = self.password
        configuration.adminSecret = self.adminSecret
        configuration.tokenLifetime = .seconds(self.tokenLifetime)
        configuration.faults.rateLimitPerSecond = self.rateLimit
        configuration.faults.serverErrorRate = self.errorRate
        configuration.faults.rateLimitedRate = self.rateLimitedRate
        configuration.faults.addedLatency = .milliseconds(self.latencyMs)
        configuration.faults.dropConnectionRate = self.dropRate
        configuration.faults.truncatedBodyRate = self.truncateRate
        configuration.faults.retryAfterSeconds = self.retryAfter
        configuration.faults.seed = self.faultSeed
        configuration.faults.failingMethods = Set(self.failingMethod)
        configuration.faults.lostAnswerMethods = Set(self.lostAnswerMethod)
        let logger = Logger(label: "atsbridge.sandbox")
        let sandbox = RECRUSandbox(configuration: configuration, seed: self.seed, size: size)
        let server = SandboxHTTPServer(sandbox: sandbox, host: self.host, port: self.port, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        // An address that cannot be bound is a typed error (exit 69), like the server's.
        try await CLIFailure.run {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // The address on stdout, so that scripts and tests can use a port picked with 0.
                let port = try await server.listeningPort()
                Terminal.line("RECRU sandbox at http://\(self.host):\(port)")
                _ = try await tasks.next()
            }
        }
    }
}
