import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// RECRU over HTTP: `POST <tenant>/api/json-rpc` with AsyncHTTPClient's shared client.
package struct RECRUHTTPTransport: RECRUTransport {
    private let url: String

    /// A transport to the tenant at `baseURL`, e.g. `https://acme.recru.eu`.
    package init(baseURL: String) {
        self.url = baseURL + "/api/json-rpc"
    }

    package func post(_ body: [UInt8], bearer: String?, timeout: Duration, maxResponseBytes: Int) async throws
        -> RECRUTransportResponse
    {
        var request = HTTPClientRequest(url: self.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(timeout))
            let bytes = try await response.body.collect(upTo: maxResponseBytes)
            return RECRUTransportResponse(
                status: Int(response.status.code),
                retryAfter: response.headers.first(name: "Retry-After"),
                body: Data(bytes.readableBytesView)
            )
        } catch is NIOTooManyBytesError {
            throw RECRUTransportFailure.tooLarge
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw RECRUTransportFailure.timeout
        } catch {
            throw RECRUTransportFailure.connection("\(type(of: error))")
        }
    }
}
