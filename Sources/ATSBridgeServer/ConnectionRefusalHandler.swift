import ATSBridgeProto
import ATSBridgeRPC
import NIOCore

/// Refuses a connection over the server's limit the way docs/protocol.md §4 says: the preface,
/// SETTINGS and a GOAWAY with RESOURCE_EXHAUSTED, then close. Reads nothing.
final class ConnectionRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let settings: Settings
    private let message: String
    private var refused = false

    init(limits: ConnectionLimits, message: String) {
        self.settings = ServerConnectionStateMachine(limits: limits, methods: [:]).localSettings
        self.message = message
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
        context.writeAndFlush(self.wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
