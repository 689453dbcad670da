import ATSBridgeProto
import ATSBridgeRPC
import NIOCore

/// Refuses a connection over the server's limit the way docs/protocol.md §4 says: the preface,
/// SETTINGS and a GOAWAY with RESOURCE_EXHAUSTED, then close. What the peer sends is read and
/// dropped.
final class ConnectionRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long a refused connection is read, at most, before it is closed.
    static let lingering = TimeAmount.seconds(1)

    private let settings: Settings
    private let message: String
    private let lingeringConnections: LingeringConnections
    private var refused = false

    init(limits: ConnectionLimits, message: String, lingeringConnections: LingeringConnections) {
        self.settings = ServerConnectionStateMachine(limits: limits, methods: [:]).localSettings
        self.message = message
        self.lingeringConnections = lingeringConnections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.refuse(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The peer's bytes are dropped unread.
    }

    private func refuse(context: ChannelHandlerContext) {
        guard !self.refused else { return }
        self.refused = true
        var buffer = context.channel.allocator.buffer(capacity: 128)
        buffer.writeBytes(ConnectionPreface.bytes)
        try? buffer.writeFrame(type: .settings, streamID: 0, message: self.settings)
        try? buffer.writeFrame(
            type: .goAway,
            streamID: 0,
            message: GoAway(lastStreamID: 0, code: .resourceExhausted, message: self.message)
        )
        let channel = context.channel
        let lingering = self.lingeringConnections
        context.writeAndFlush(self.wrapOutboundOut(buffer)).whenComplete { _ in
            // Closing with the peer's preface unread would reset the connection, and a reset can
            // discard the GOAWAY before the peer reads it: the output is closed instead, and the
            // peer's bytes are read until it closes, for a second at most (and only while few
            // refused connections linger, so that a flood of them cannot hold many sockets).
            guard lingering.begin() else { return channel.close(promise: nil) }
            channel.closeFuture.whenComplete { _ in lingering.end() }
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: Self.lingering) { channel.close(promise: nil) }
        }
    }
}
