public import ATSBridgeCore
import ATSBridgeRECRU
import Foundation
package import Synchronization

/// The RECRU sandbox: an emulator of RECRU's JSON-RPC 2.0 API (docs/recru-jsonrpc.md) over
/// seeded, deterministic data. Embedded in tests and the demo, or served over HTTP by
/// ``SandboxHTTPServer`` (`atsbridge sandbox`).
public final class RECRUSandbox: Sendable {
    /// The configuration; its `faults` are the initial faults (see ``faults``).
    public let configuration: SandboxConfiguration
    let state: Mutex<SandboxState>
    /// The faults injected now, and their dice; switchable at run time (``setFaults(_:)``).
    private let injector: Mutex<(faults: SandboxFaults, dice: SplitMix64)>
    /// Faults injected so far, by kind (`drop`, `503`, `429`, `truncate`), for tests.
    package let injectedFaults = Mutex<[String: Int]>([:])
    /// Calls answered so far, by JSON-RPC method, for tests that count remote calls.
    package let methodCalls = Mutex<[String: Int]>([:])
    private let clock: @Sendable () -> Int64

    /// Creates a sandbox with data generated from `seed` at `size`.
    ///
    /// - Parameter clock: Milliseconds since epoch; tests inject one to expire tokens.
    public convenience init(
        configuration: SandboxConfiguration = SandboxConfiguration(),
        seed: UInt64 = 1,
        size: SandboxSize = .small,
        clock: @escaping @Sendable () -> Int64 = { WallClock.nowMilliseconds() }
    ) {
        self.init(
            configuration: configuration,
            state: SandboxSeed.make(seed: seed, size: size, now: clock()),
            dataFile: nil,
            clock: clock
        )
    }

    /// Creates a sandbox that keeps its records in `dataFile` (JSON): loaded from it when it
    /// exists, else generated from `seed` at `size`; saved to it after every write. A restarted
    /// sandbox thus keeps what was written to it and never reuses a RECRU id.
    ///
    /// - Throws: ``ATSBridgeError`` when the file exists but cannot be read.
    public convenience init(
        dataFile: String,
        configuration: SandboxConfiguration = SandboxConfiguration(),
        seed: UInt64 = 1,
        size: SandboxSize = .small
    ) throws {
        let clock: @Sendable () -> Int64 = { WallClock.nowMilliseconds() }
        let state = try SandboxSnapshot.load(dataFile)?.state ?? SandboxSeed.make(seed: seed, size: size, now: clock())
        // Seeded data is not saved until the first write: the same seed gives it again.
        self.init(configuration: configuration, state: state, dataFile: dataFile, clock: clock)
    }

    private init(
        configuration: SandboxConfiguration,
        state: SandboxState,
        dataFile: String?,
        clock: @escaping @Sendable () -> Int64
    ) {
        self.configuration = configuration
        self.clock = clock
        self.state = Mutex(state)
        self.dataFile = dataFile
        self.injector = Mutex((configuration.faults, SplitMix64(seed: configuration.faults.seed)))
    }

    /// The faults injected now.
    public var faults: SandboxFaults { self.injector.withLock { $0.faults } }

    /// Replaces the injected faults (``SandboxFaults()`` clears them) and re-seeds their dice
    /// with `faults.seed`, so that a run from here on can be replayed.
    public func setFaults(_ faults: SandboxFaults) {
        self.injector.withLock { $0 = (faults, SplitMix64(seed: faults.seed)) }
    }

    /// Where the records are kept between runs, if anywhere.
    private let dataFile: String?
    /// Serialises saves, so an older snapshot never overwrites a newer one.
    private let saving = Mutex(())

    /// Saves the records to the data file, if there is one. It blocks on file I/O: call it
    /// from a thread pool, not from the cooperative pool or an event loop.
    package func persist() throws {
        guard let dataFile = self.dataFile else { return }
        try self.saving.withLock { _ in
            let snapshot = SandboxSnapshot(self.state.withLock { $0 })
            do {
                try snapshot.save(dataFile)
            } catch {
                throw ATSBridgeError(.internalError, "the sandbox's data file \(dataFile) cannot be written")
            }
        }
    }

    /// Whether the sandbox keeps its records in a data file.
    package var keepsData: Bool { self.dataFile != nil }

    /// Whether a call of `methods` may have changed records.
    package static func changesRecords(_ methods: [String]) -> Bool {
        methods.contains {
            $0 == RECRUMethod.apply.rawValue || $0 == RECRUMethod.addTags.rawValue || $0.hasPrefix("SandboxAdmin.")
        }
    }

    /// An HTTP answer: status, headers, body, and what to do to the connection.
    public struct Response: Sendable {
        /// The HTTP status.
        public var status: Int
        /// Extra headers, such as `Retry-After`.
        public var headers: [(String, String)]
        /// The body (JSON), possibly empty.
        public var body: [UInt8]
        /// An injected transport fault.
        public var fault: Fault
        /// The methods called, for the call log (never their parameters).
        public var methods: [String] = []

        /// Whether only the sandbox's own admin methods were called (faults spare them).
        public var isAdmin: Bool { !self.methods.isEmpty && self.methods.allSatisfy { $0.hasPrefix("SandboxAdmin.") } }

        /// A transport fault to inject.
        public enum Fault: Sendable {
            case none
            /// Close the connection without answering.
            case drop
            /// Send half the body, then close.
            case truncate
        }
    }

    /// Answers one HTTP request to `POST /api/json-rpc`.
    ///
    /// - Parameters:
    ///   - body: The request body.
    ///   - authorization: The `Authorization` header, if any.
    ///   - adminSecret: The `X-Sandbox-Admin-Secret` header, if any.
    public func handle(body: [UInt8], authorization: String?, adminSecret: String? = nil) -> Response {
        let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        let requests = json.map { ($0 as? [Any]) ?? [$0] } ?? []
        let methods = requests.map { (($0 as? [String: Any])?["method"] as? String) ?? "?" }
        // The sandbox's own admin calls bypass the faults, so that faults can always be cleared.
        let adminOnly = !methods.isEmpty && methods.allSatisfy { $0.hasPrefix("SandboxAdmin.") }
        let faults = adminOnly ? SandboxFaults() : self.faults
        if !adminOnly, let fault = self.rollFault() { return fault }
        guard let json else {
            return self.json(self.errorResponse(.parse, id: NSNull()))
        }
        let token = authorization.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        if let token, self.rateLimited(token, faults) {
            self.injectedFaults.withLock { $0["429", default: 0] += 1 }
            var response = self.json(self.errorResponse(.rateLimited, id: NSNull()))
            response.status = 429
            response.headers.append(("Retry-After", String(faults.retryAfterSeconds)))
            return response
        }
        let context = CallContext(token: token, adminSecret: adminSecret)
        if !faults.failingMethods.isDisjoint(with: methods) {
            self.injectedFaults.withLock { $0["503", default: 0] += 1 }
            return Response(
                status: 503,
                headers: [],
                body: Array("Service Unavailable".utf8),
                fault: .none,
                methods: methods
            )
        }
        self.methodCalls.withLock { calls in
            for method in methods { calls[method, default: 0] += 1 }
        }
        var response: Response
        if let batch = json as? [Any] {
            guard !batch.isEmpty else { return self.json(self.errorResponse(.invalidRequest, id: NSNull())) }
            let responses = batch.compactMap { self.call($0, context) }
            response =
                responses.isEmpty ? Response(status: 204, headers: [], body: [], fault: .none) : self.json(responses)
        } else if let single = self.call(json, context) {
            response = self.json(single)
        } else {
            response = Response(status: 204, headers: [], body: [], fault: .none)
        }
        response.methods = methods
        if !faults.lostAnswerMethods.isDisjoint(with: methods) {
            self.injectedFaults.withLock { $0["truncate", default: 0] += 1 }
            response.fault = .truncate
        }
        return response
    }

    struct CallContext {
        var token: String?
        var adminSecret: String?
    }

    /// One request object; nil for a notification (no id).
    private func call(_ request: Any, _ context: CallContext) -> [String: Any]? {
        guard let request = request as? [String: Any], request["jsonrpc"] as? String == "2.0",
            let method = request["method"] as? String
        else { return self.errorResponse(.invalidRequest, id: (request as? [String: Any])?["id"] ?? NSNull()) }
        let id = request["id"]
        let params: RPCParams
        switch request["params"] {
        case nil, is NSNull: params = RPCParams([:])
        case let object as [String: Any]: params = RPCParams(object)
        default:
            return id == nil ? nil : self.errorResponse(.invalidParams("params", "must be an object"), id: id!)
        }
        let result: Result<Any, JSONRPCError>
        do {
            result = .success(try self.dispatch(method, params, context))
        } catch let error as JSONRPCError {
            result = .failure(error)
        } catch {
            result = .failure(JSONRPCError(code: -32603, message: "Internal error"))
        }
        guard let id else { return nil }
        switch result {
        case .success(let value): return ["jsonrpc": "2.0", "result": value, "id": id]
        case .failure(let error): return self.errorResponse(error, id: id)
        }
    }

    private func errorResponse(_ error: JSONRPCError, id: Any) -> [String: Any] {
        ["jsonrpc": "2.0", "error": error.object, "id": id]
    }

    private func json(_ object: Any) -> Response {
        Response(status: 200, headers: [], body: JSONWriter.write(object), fault: .none)
    }

    /// Checks the bearer token; throws -32001 when missing, unknown or expired.
    func authenticate(_ context: CallContext) throws {
        guard let token = context.token else { throw JSONRPCError.unauthorized }
        let now = self.clock()
        let expiry = self.state.withLock { $0.tokens[token] }
        guard let expiry else { throw JSONRPCError.unauthorized }
        guard expiry > now else { throw JSONRPCError.tokenExpired }
    }

    func now() -> Int64 { self.clock() }

    /// Whether this request of `token` gets a 429: over the per-second limit, or by the dice.
    private func rateLimited(_ token: String, _ faults: SandboxFaults) -> Bool {
        if let limit = faults.rateLimitPerSecond, self.overRateLimit(token, limit: limit) { return true }
        guard faults.rateLimitedRate > 0 else { return false }
        // A separate roll, only when the fault is on, so that other faults replay as before.
        return self.injector.withLock { Double.random(in: 0..<1, using: &$0.dice) } < faults.rateLimitedRate
    }

    private func overRateLimit(_ token: String, limit: Int) -> Bool {
        let now = self.clock()
        return self.state.withLock { state in
            var window = state.rateWindows[token] ?? (now, 0)
            if now - window.start >= 1000 { window = (now, 0) }
            window.count += 1
            state.rateWindows[token] = window
            return window.count > limit
        }
    }

    private func rollFault() -> Response? {
        let rolled = self.injector.withLock { injector -> (SandboxFaults, Double, Double, Double)? in
            let faults = injector.faults
            guard faults.serverErrorRate > 0 || faults.dropConnectionRate > 0 || faults.truncatedBodyRate > 0 else {
                return nil
            }
            return (
                faults, Double.random(in: 0..<1, using: &injector.dice),
                Double.random(in: 0..<1, using: &injector.dice),
                Double.random(in: 0..<1, using: &injector.dice)
            )
        }
        guard let rolled else { return nil }
        let (faults, a, b, c) = rolled
        if a < faults.dropConnectionRate {
            self.injectedFaults.withLock { $0["drop", default: 0] += 1 }
            return Response(status: 0, headers: [], body: [], fault: .drop)
        }
        if b < faults.serverErrorRate {
            self.injectedFaults.withLock { $0["503", default: 0] += 1 }
            return Response(status: 503, headers: [], body: Array("Service Unavailable".utf8), fault: .none)
        }
        if c < faults.truncatedBodyRate {
            // The answer is computed normally by the caller; this marks it for truncation.
            return nil
        }
        return nil
    }

    /// Whether the next answer should be truncated (a separate roll, used by the HTTP server).
    func shouldTruncate() -> Bool {
        let truncate = self.injector.withLock { injector in
            let rate = injector.faults.truncatedBodyRate
            return rate > 0 && Double.random(in: 0..<1, using: &injector.dice) < rate
        }
        if truncate { self.injectedFaults.withLock { $0["truncate", default: 0] += 1 } }
        return truncate
    }
}
