package import ATSBridgeRECRU
import Foundation

/// The sandbox as a RECRU client's transport, in-process: no sockets, for fast unit tests of
/// sync and writes. Injected faults behave as over HTTP: latency, 503s, 429 with
/// `Retry-After`, dropped connections (a transport failure) and cut-off bodies.
package struct SandboxTransport: RECRUTransport {
    private let sandbox: RECRUSandbox

    /// A transport to `sandbox`.
    package init(_ sandbox: RECRUSandbox) {
        self.sandbox = sandbox
    }

    package func post(_ body: [UInt8], bearer: String?, timeout: Duration, maxResponseBytes: Int) async throws
        -> RECRUTransportResponse
    {
        let configuration = self.sandbox.configuration
        let latency = self.sandbox.faults.addedLatency
        if latency > .zero { try await Task.sleep(for: latency) }
        guard body.count <= configuration.maxBodyBytes else {
            return RECRUTransportResponse(status: 413, body: Data("Payload Too Large".utf8))
        }
        var response = self.sandbox.handle(body: body, authorization: bearer.map { "Bearer " + $0 })
        if response.fault == .none, self.sandbox.shouldTruncate() { response.fault = .truncate }
        switch response.fault {
        case .drop:
            throw RECRUTransportFailure.connection("connection closed")
        case .truncate:
            response.body = Array(response.body.prefix(response.body.count / 2))
        case .none:
            break
        }
        guard response.body.count <= maxResponseBytes else { throw RECRUTransportFailure.tooLarge }
        return RECRUTransportResponse(
            status: response.status,
            retryAfter: response.headers.first { $0.0.lowercased() == "retry-after" }?.1,
            body: Data(response.body)
        )
    }
}
