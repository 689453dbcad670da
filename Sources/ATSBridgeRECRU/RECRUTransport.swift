package import Foundation

/// How a ``RECRUClient``'s JSON-RPC requests reach RECRU: HTTP in production
/// (``RECRUHTTPTransport``), the sandbox in-process in fast unit tests.
package protocol RECRUTransport: Sendable {
    /// Posts one JSON-RPC request body and returns the answer.
    ///
    /// - Parameters:
    ///   - bearer: The token for `Authorization: Bearer`, if any.
    ///   - timeout: How long the request may take.
    ///   - maxResponseBytes: The largest body accepted.
    /// - Throws: ``RECRUTransportFailure``.
    func post(_ body: [UInt8], bearer: String?, timeout: Duration, maxResponseBytes: Int) async throws
        -> RECRUTransportResponse
}

/// An HTTP answer of RECRU.
package struct RECRUTransportResponse: Sendable {
    /// The HTTP status.
    package var status: Int
    /// The `Retry-After` header, if any.
    package var retryAfter: String?
    /// The body.
    package var body: Data

    package init(status: Int, retryAfter: String? = nil, body: Data) {
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
    }
}

/// Why a request got no answer.
package enum RECRUTransportFailure: Error, Sendable {
    /// The request took longer than its timeout.
    case timeout
    /// The answer is larger than the limit.
    case tooLarge
    /// The connection failed or closed without an answer; names the kind of failure.
    case connection(String)
}
