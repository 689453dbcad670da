import NIOCore
import NIOSSL
import Synchronization

/// Sits behind the TLS handler and keeps the first TLS error, so that a refused handshake is
/// reported as such rather than as a connection that closed. Readable from any thread, also
/// after the channel has closed and its handlers are gone.
final class TLSFailureRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let first = Mutex<String?>(nil)

    /// The first TLS error, described.
    var failure: String? { self.first.withLock { $0 } }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            self.first.withLock { $0 = $0 ?? "\(error)" }
        }
        context.fireErrorCaught(error)
    }
}
