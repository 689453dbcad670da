import ATSBridgeCore
import Foundation
package import Logging
import Synchronization

/// The JSON-RPC client of one RECRU tenant (docs/recru-jsonrpc.md), over a ``RECRUTransport``:
/// HTTP in production, the sandbox in-process in unit tests.
///
/// Logs in with login and password and reuses the bearer token; logs in again once when RECRU
/// says the token is invalid or expired. Idempotent calls are retried on 429 (honouring
/// `Retry-After`), 5xx, timeouts and dropped connections with capped exponential backoff and
/// jitter; writes are never retried blindly. Responses are capped in size and time. A
/// client-side rate limit spaces requests. Errors are ``ATSBridgeError``s with RECRU's dotted
/// codes; messages never contain the password or the token.
package final class RECRUClient: Sendable {
    private struct State {
        var token: String?
        var nextSlot: ContinuousClock.Instant = .now
        var requests = 0
        var logins = 0
        var remoteTime: Duration = .zero
    }

    let configuration: RECRUClientConfiguration
    private let transport: any RECRUTransport
    private let logger: Logger
    private let state = Mutex(State())

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
    }

    /// How many HTTP requests and logins the client made, for observability and tests.
    package var counters: (requests: Int, logins: Int) { self.state.withLock { ($0.requests, $0.logins) } }

    /// Time spent waiting for RECRU's answers (request sent to body received), summed over
    /// every request: what is RECRU's, not ATSBridge's, in a call's latency.
    package var remoteTime: Duration { self.state.withLock { $0.remoteTime } }

    /// Calls `method`. Idempotent methods (reads) are retried on transient failures; writes
    /// are not.
    ///
    /// - Returns: The JSON-RPC `result`.
    /// - Throws: ``ATSBridgeError`` with `REMOTE.RATE_LIMIT_EXCEEDED`, `REMOTE.SERVICE_UNAVAILABLE`,
    ///   `INTEGRATION.AUTHENTICATION_INVALID`, `REMOTE.INPUT_INVALID` or `REMOTE.UNKNOWN_HTTP_ERROR`.
    package func call(_ method: RECRUMethod, _ params: [String: Any] = [:]) async throws -> Any {
        assert(method.accepts(params.keys), "\(method.rawValue) does not take \(params.keys.sorted())")
        let idempotent = method.isIdempotent
        let token = try await self.token()
        do {
            return try await self.send(method, params, token: token, idempotent: idempotent)
        } catch let error as RemoteFailure where error.isAuthentication {
            // The token expired or was revoked: log in again, once.
            self.state.withLock { if $0.token == token { $0.token = nil } }
            let fresh = try await self.token()
            do {
                return try await self.send(method, params, token: fresh, idempotent: idempotent)
            } catch let error as RemoteFailure {
                throw error.mapped
            }
        } catch let error as RemoteFailure {
            throw error.mapped
        }
    }

    // MARK: Internals

    private func token() async throws -> String {
        if let token = self.state.withLock({ $0.token }) { return token }
        let result: Any
        do {
            result = try await self.send(
                .login,
                ["login": self.configuration.login, "password": self.configuration.password],
                token: nil,
                idempotent: true
            )
        } catch let error as RemoteFailure {
            throw error.isAuthentication
                ? ATSBridgeError(.integrationAuthenticationInvalid, "RECRU rejected the login of this integration")
                : error.mapped
        }
        guard let token = (result as? [String: Any])?["token"] as? String, !token.isEmpty else {
            throw ATSBridgeError(.remoteUnknown, "RECRU's login answer has no token")
        }
        self.state.withLock {
            $0.token = token
            $0.logins += 1
        }
        return token
    }

    /// One JSON-RPC call with retries; throws ``RemoteFailure``.
    private func send(_ method: RECRUMethod, _ params: [String: Any], token: String?, idempotent: Bool) async throws
        -> Any
    {
        // Our writer: Foundation's is slow on Linux for large strings (a base64 CV).
        let body = JSONWriter.write(["jsonrpc": "2.0", "method": method.rawValue, "params": params, "id": 1])
        var attempt = 1
        while true {
            let outcome: Result<Any, RemoteFailure>
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
                guard idempotent, failure.isRetryable, attempt < self.configuration.tuning.retry.maxAttempts else {
                    throw failure
                }
                let delay = self.backoff(attempt: attempt, retryAfter: failure.retryAfter)
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

    private func attempt(_ body: [UInt8], token: String?) async throws -> Any {
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
            let retryAfter = response.retryAfter.flatMap(Double.init).map {
                Duration.seconds($0)
            }
            throw RemoteFailure.rateLimited(retryAfter: retryAfter)
        case 500...599:
            throw RemoteFailure.serverError(response.status)
        case 401, 403:
            throw RemoteFailure.authentication
        default:
            throw RemoteFailure.http(response.status)
        }
        guard
            let json = try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed]),
            let object = json as? [String: Any]
        else {
            // A cut-off or garbled body: transient, like a dropped connection.
            throw RemoteFailure.transport("undecodable body")
        }
        if let error = object["error"] as? [String: Any] {
            throw RemoteFailure(rpcError: error)
        }
        guard let result = object["result"] else { throw RemoteFailure.transport("no result") }
        return result
    }

    private func waitForRateLimit() async throws {
        let interval = Duration.seconds(1 / max(0.001, self.configuration.tuning.requestsPerSecond))
        let slot = self.state.withLock { state -> ContinuousClock.Instant in
            let now = ContinuousClock.now
            let slot = max(now, state.nextSlot)
            state.nextSlot = slot + interval
            return slot
        }
        if slot > .now { try await Task.sleep(until: slot, clock: .continuous) }
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
