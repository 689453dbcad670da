package import ATSBridgeCore
import Foundation
package import Logging
import Synchronization

/// The JSON-RPC client of one RECRU tenant (docs/recru-jsonrpc.md), over a ``RECRUTransport``:
/// HTTP in production, the sandbox in-process in unit tests.
///
/// Logs in with login and password and reuses the bearer token; logs in again whenever RECRU
/// says the token is invalid or expired, as often as needed (also after waiting out a 429):
/// only a login RECRU rejects is `INTEGRATION.AUTHENTICATION_INVALID`. Idempotent calls are
/// retried on 429 (honouring `Retry-After`), 5xx, timeouts and dropped connections with capped
/// exponential backoff and jitter, within the unavailability budget; writes are never retried
/// blindly. Responses are capped in size and time. An adaptive rate limit (``RequestPacer``)
/// spaces requests. Errors are ``ATSBridgeError``s with RECRU's dotted codes; messages never
/// contain the password or the token.
package final class RECRUClient: Sendable {
    private struct State {
        var token: String?
        var pacer: RequestPacer
        var requests = 0
        var logins = 0
        var remoteTime: Duration = .zero
    }

    let configuration: RECRUClientConfiguration
    private let transport: any RECRUTransport
    private let logger: Logger
    private let state: Mutex<State>

    /// Creates a client over HTTP to the configuration's base URL. It logs in on the first call.
    package convenience init(configuration: RECRUClientConfiguration, logger: Logger) {
        self.init(
            configuration: configuration,
            transport: RECRUHTTPTransport(baseURL: configuration.baseURL),
            logger: logger
        )
    }

    /// Creates a client over `transport`. It logs in on the first call.
    package init(configuration: RECRUClientConfiguration, transport: any RECRUTransport, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        let tuning = configuration.tuning
        self.state = Mutex(
            State(
                pacer: RequestPacer(
                    ceiling: tuning.requestsPerSecond,
                    floor: tuning.minRequestsPerSecond,
                    increase: tuning.rateIncrease,
                    now: .now
                )
            )
        )
    }

    /// How many HTTP requests and logins the client made, for observability and tests.
    package var counters: (requests: Int, logins: Int) { self.state.withLock { ($0.requests, $0.logins) } }

    /// Requests sent, how many RECRU rate-limited, and the adaptive rate now.
    package var pacing: RemotePacing {
        self.state.withLock {
            RemotePacing(requests: $0.requests, rateLimited: $0.pacer.rateLimited, requestsPerSecond: $0.pacer.rate)
        }
    }

    /// Time spent waiting for RECRU's answers (request sent to body received), summed over
    /// every request: what is RECRU's, not ATSBridge's, in a call's latency.
    package var remoteTime: Duration { self.state.withLock { $0.remoteTime } }

    /// Calls `method`. Reads are retried on transient failures (``RECRUMethod/isRetried``); writes
    /// are not.
    ///
    /// - Returns: The JSON-RPC `result`.
    /// - Throws: ``ATSBridgeError`` with `REMOTE.RATE_LIMIT_EXCEEDED`, `REMOTE.SERVICE_UNAVAILABLE`,
    ///   `INTEGRATION.AUTHENTICATION_INVALID`, `REMOTE.INPUT_INVALID` or `REMOTE.UNKNOWN_HTTP_ERROR`.
    package func call(_ method: RECRUMethod, _ params: [String: Any] = [:]) async throws -> Any {
        let answer = try await self.callRaw(method, params)
        do {
            return try JSONReader.parse(answer.body, answer.result)
        } catch {
            throw ATSBridgeError(.remoteUnknown, "RECRU answered \(method.rawValue) with JSON that cannot be read")
        }
    }

    /// A JSON-RPC answer unparsed: its body and the byte range of its `result`.
    package struct RawAnswer: Sendable {
        /// The response body.
        package var body: [UInt8]
        /// Where the `result` value is in `body`.
        package var result: Range<Int>
    }

    /// Calls `method` like ``call(_:_:)`` and returns the answer unparsed, so that a list page
    /// can be read without parsing every record (``JSONReader/listPage(_:_:)``).
    package func callRaw(_ method: RECRUMethod, _ params: [String: Any] = [:]) async throws -> RawAnswer {
        assert(method.accepts(params.keys), "\(method.rawValue) does not take \(params.keys.sorted())")
        let retried = method.isRetried
        let started = ContinuousClock.now
        var relogins = 0
        while true {
            let token: String
            do {
                token = try await self.token()
            } catch var error as ATSBridgeError {
                // `method` itself was not sent: a write that fails here was certainly not made.
                error.cause = NotSent(cause: error.cause)
                throw error
            }
            do {
                return try await self.send(method, params, token: token, retried: retried, started: started)
            } catch let error as RemoteFailure where error.isAuthentication {
                // The token expired or was revoked (perhaps while a 429 was waited out): log in
                // again, as often as needed. A login RECRU rejects throws from `token()`.
                self.state.withLock { if $0.token == token { $0.token = nil } }
                relogins += 1
                guard ContinuousClock.now - started < self.configuration.tuning.retry.unavailabilityBudget else {
                    throw ATSBridgeError(
                        .remoteUnavailable,
                        "RECRU kept rejecting fresh session tokens (\(relogins) logins in one call) although it "
                            + "accepted the login",
                        cause: NotSent(cause: nil)
                    )
                }
                self.logger.debug(
                    "RECRU session renewed",
                    metadata: [LogKey.recruMethod: "\(method.rawValue)", LogKey.recruAttempt: "\(relogins)"]
                )
            } catch let error as RemoteFailure {
                throw error.mapped(retried: retried)
            }
        }
    }

    /// The cause of an error thrown before the call's method reached RECRU (its login failed, or
    /// RECRU refused every session token): whatever the method was, RECRU did not run it.
    package struct NotSent: Error {
        /// What the error's cause was before it was marked.
        package var cause: (any Error)?
    }

    // MARK: Internals

    private func token() async throws -> String {
        if let token = self.state.withLock({ $0.token }) { return token }
        let answer: RawAnswer
        do {
            answer = try await self.send(
                .login,
                ["login": self.configuration.login, "password": self.configuration.password],
                token: nil,
                retried: RECRUMethod.login.isRetried,
                started: .now
            )
        } catch let error as RemoteFailure {
            throw error.isAuthentication
                ? ATSBridgeError(.integrationAuthenticationInvalid, "RECRU rejected the login of this integration")
                : error.mapped
        }
        let result = try? JSONReader.parse(answer.body, answer.result)
        guard let token = (result as? [String: Any])?["token"] as? String, !token.isEmpty else {
            throw ATSBridgeError(.remoteUnknown, "RECRU's login answer has no token")
        }
        self.state.withLock {
            $0.token = token
            $0.logins += 1
        }
        return token
    }

    /// One JSON-RPC call, with retries when `retried` (``RECRUMethod/isRetried``); throws
    /// ``RemoteFailure``.
    private func send(
        _ method: RECRUMethod,
        _ params: [String: Any],
        token: String?,
        retried: Bool,
        started: ContinuousClock.Instant
    ) async throws -> RawAnswer {
        // Our writer: Foundation's is slow on Linux for large strings (a base64 CV).
        let body = JSONWriter.write(["jsonrpc": "2.0", "method": method.rawValue, "params": params, "id": 1])
        var attempt = 1
        while true {
            let outcome: Result<RawAnswer, RemoteFailure>
            do {
                outcome = .success(try await self.attempt(body, token: token))
            } catch let failure as RemoteFailure {
                outcome = .failure(failure)
            } catch {
                outcome = .failure(.transport("\(type(of: error))"))
            }
            switch outcome {
            case .success(let value):
                return value
            case .failure(let failure):
                let retry = self.configuration.tuning.retry
                let delay = self.backoff(attempt: attempt, retryAfter: failure.retryAfter)
                guard retried, failure.isRetryable, attempt < retry.maxAttempts ?? Int.max,
                    ContinuousClock.now + delay - started <= retry.unavailabilityBudget
                else {
                    throw failure
                }
                self.logger.debug(
                    "RECRU call retried",
                    metadata: [
                        LogKey.recruMethod: "\(method.rawValue)", LogKey.recruAttempt: "\(attempt)",
                        LogKey.recruFailure: "\(failure.kind)",
                    ]
                )
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private func attempt(_ body: [UInt8], token: String?) async throws -> RawAnswer {
        try await self.waitForRateLimit()
        self.state.withLock { $0.requests += 1 }
        let response: RECRUTransportResponse
        let sent = ContinuousClock.now
        defer { self.state.withLock { $0.remoteTime += ContinuousClock.now - sent } }
        do {
            response = try await self.transport.post(
                body,
                bearer: token,
                timeout: self.configuration.tuning.requestTimeout,
                maxResponseBytes: self.configuration.tuning.maxResponseBytes
            )
        } catch RECRUTransportFailure.tooLarge {
            throw RemoteFailure.tooLarge
        } catch RECRUTransportFailure.timeout {
            throw RemoteFailure.transport("timeout")
        } catch RECRUTransportFailure.connection(let kind) {
            throw RemoteFailure.transport(kind)
        } catch {
            throw RemoteFailure.transport("\(type(of: error))")
        }
        switch response.status {
        case 200:
            break
        case 429:
            let retryAfter = response.retryAfter.flatMap(Self.retryAfter)
            self.state.withLock { $0.pacer.rateLimited(retryAfter: retryAfter, now: .now) }
            throw RemoteFailure.rateLimited(retryAfter: retryAfter)
        case 500...599:
            throw RemoteFailure.serverError(response.status)
        case 401, 403:
            throw RemoteFailure.authentication
        default:
            throw RemoteFailure.http(response.status)
        }
        let bytes = [UInt8](response.body)
        // The envelope only: a list page's records are read by the caller, often not at all.
        guard let envelope = try? JSONReader.envelope(bytes) else {
            // A cut-off or garbled body: transient, like a dropped connection.
            throw RemoteFailure.transport("undecodable body")
        }
        switch envelope {
        case .error(let error):
            let failure = RemoteFailure(rpcError: error)
            if case .rateLimited = failure {
                self.state.withLock { $0.pacer.rateLimited(retryAfter: nil, now: .now) }
            } else {
                self.state.withLock { $0.pacer.answered() }
            }
            throw failure
        case .result(let result):
            self.state.withLock { $0.pacer.answered() }
            return RawAnswer(body: bytes, result: result)
        }
    }

    private func waitForRateLimit() async throws {
        let slot = self.state.withLock { $0.pacer.reserve(now: .now) }
        if slot > .now { try await Task.sleep(until: slot, clock: .continuous) }
    }

    /// `Retry-After` as seconds (`"2"`, `"0.5"`) or an HTTP date; nil for anything else.
    static func retryAfter(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .milliseconds(max(0, Int64(date.timeIntervalSinceNow * 1000)))
    }

    private func backoff(attempt: Int, retryAfter: Duration?) -> Duration {
        let retry = self.configuration.tuning.retry
        let exponential = retry.baseDelay * Int(1 << min(attempt - 1, 20))
        // Jitter between half and all of the delay.
        let backoff = min(exponential, retry.maxDelay) * Double.random(in: 0.5...1.0)
        // `Retry-After` is a floor (a "0" must not turn into a hammering loop), capped.
        guard let retryAfter else { return backoff }
        return min(max(retryAfter, backoff), retry.maxRetryAfter)
    }
}
