import ATSBridgeCore
import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The JSON-RPC client of one RECRU tenant (docs/recru-jsonrpc.md).
///
/// Logs in with login and password and reuses the bearer token; logs in again once when RECRU
/// says the token is invalid or expired. Idempotent calls are retried on 429 (honouring
/// `Retry-After`), 5xx, timeouts and dropped connections with capped exponential backoff and
/// jitter; writes are never retried blindly. Responses are capped in size and time. A
/// client-side rate limit spaces requests. Errors are ``ATSBridgeError``s with RECRU's dotted
/// codes; messages never contain the password or the token.
public final class RECRUClient: Sendable {
    private struct State {
        var token: String?
        var nextSlot: ContinuousClock.Instant = .now
        var requests = 0
        var logins = 0
        var remoteTime: Duration = .zero
    }

    private let configuration: RECRUClientConfiguration
    private let http: HTTPClient
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates a client. It logs in on the first call.
    public init(configuration: RECRUClientConfiguration, logger: Logger) {
        self.configuration = configuration
        self.http = HTTPClient.shared
        self.logger = logger
    }

    /// How many HTTP requests and logins the client made, for observability and tests.
    public var counters: (requests: Int, logins: Int) { self.state.withLock { ($0.requests, $0.logins) } }

    /// Time spent waiting for RECRU's answers (request sent to body received), summed over
    /// every request: what is RECRU's, not ATSBridge's, in a call's latency.
    public var remoteTime: Duration { self.state.withLock { $0.remoteTime } }

    /// Calls `method`. Reads (`idempotent`) are retried on transient failures; writes are not.
    ///
    /// - Returns: The JSON-RPC `result`.
    /// - Throws: ``ATSBridgeError`` with `REMOTE.RATE_LIMIT_EXCEEDED`, `REMOTE.SERVICE_UNAVAILABLE`,
    ///   `INTEGRATION.AUTHENTICATION_INVALID`, `REMOTE.INPUT_INVALID` or `REMOTE.UNKNOWN_HTTP_ERROR`.
    public func call(_ method: String, _ params: [String: Any] = [:], idempotent: Bool = true) async throws -> Any {
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

    /// Walks every page of a list method, `limit` records at a time, in order.
    ///
    /// - Parameter body: Called with each page's items; return to continue.
    public func forEachPage(
        _ method: String,
        _ params: [String: Any] = [:],
        limit: Int = 200,
        _ body: ([[String: Any]]) async throws -> Void
    ) async throws {
        var page = 1
        while true {
            var pageParams = params
            pageParams["page"] = page
            pageParams["limit"] = limit
            guard let result = try await self.call(method, pageParams) as? [String: Any],
                let items = result["items"] as? [[String: Any]], let total = result["total"] as? Int
            else {
                throw ATSBridgeError(.remoteUnknown, "RECRU answered \(method) with an unexpected shape")
            }
            try await body(items)
            if items.isEmpty || page * limit >= total { return }
            page += 1
        }
    }

    // MARK: Internals

    private func token() async throws -> String {
        if let token = self.state.withLock({ $0.token }) { return token }
        let result: Any
        do {
            result = try await self.send(
                "AuthService.login",
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
    private func send(_ method: String, _ params: [String: Any], token: String?, idempotent: Bool) async throws -> Any {
        // Our writer: Foundation's is slow on Linux for large strings (a base64 CV).
        let body = Data(JSONWriter.write(["jsonrpc": "2.0", "method": method, "params": params, "id": 1]))
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
                        "recru.method": "\(method)", "recru.attempt": "\(attempt)", "recru.failure": "\(failure.kind)",
                    ]
                )
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private func attempt(_ body: Data, token: String?) async throws -> Any {
        try await self.waitForRateLimit()
        var request = HTTPClientRequest(url: self.configuration.baseURL + "/api/json-rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        self.state.withLock { $0.requests += 1 }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        let sent = ContinuousClock.now
        defer { self.state.withLock { $0.remoteTime += ContinuousClock.now - sent } }
        do {
            response = try await self.http.execute(
                request,
                timeout: self.configuration.tuning.requestTimeout.timeAmount
            )
            bytes = try await response.body.collect(upTo: self.configuration.tuning.maxResponseBytes)
        } catch is NIOTooManyBytesError {
            throw RemoteFailure.tooLarge
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw RemoteFailure.transport("timeout")
        } catch {
            throw RemoteFailure.transport("\(type(of: error))")
        }
        switch response.status.code {
        case 200:
            break
        case 429:
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init).map {
                Duration.seconds($0)
            }
            throw RemoteFailure.rateLimited(retryAfter: retryAfter)
        case 500...599:
            throw RemoteFailure.serverError(Int(response.status.code))
        case 401, 403:
            throw RemoteFailure.authentication
        default:
            throw RemoteFailure.http(Int(response.status.code))
        }
        guard
            let json = try? JSONSerialization.jsonObject(
                with: Data(bytes.readableBytesView),
                options: [.fragmentsAllowed]
            ),
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

extension Duration {
    var timeAmount: TimeAmount {
        .nanoseconds(Int64(self.components.seconds) * 1_000_000_000 + self.components.attoseconds / 1_000_000_000)
    }
}
