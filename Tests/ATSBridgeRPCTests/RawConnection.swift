import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import NIOCore
import NIOPosix
import Synchronization

/// A raw TCP connection for sending arbitrary bytes at the server and reading its frames,
/// including malformed sequences no real client would send.
final class RawConnection: Sendable {
    /// Bytes received, and whether the server closed the connection.
    final class Received: Sendable {
        let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))
    }

    /// Collects every byte the server sends.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: Received

        init(received: Received) {
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            self.received.state.withLock { $0.bytes.append(contentsOf: buffer.readableBytesView) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.received.state.withLock { $0.closed = true }
        }
    }

    private let channel: any Channel
    private let received: Received

    private init(channel: any Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    /// Connects to the server on `port`, from the local address `source` if given (another
    /// loopback address, such as 127.0.0.2, is another client address).
    ///
    /// - Parameter readSize: Read at most this many bytes per read, one read per ``readOnce()``
    ///   and none otherwise (a client that reads at the pace the test sets); `nil`: read all.
    static func connect(port: Int, from source: String? = nil, readSize: Int? = nil) async throws -> RawConnection {
        let received = Received()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        if let readSize {
            bootstrap = bootstrap.channelOption(.autoRead, value: false)
                .channelOption(.maxMessagesPerRead, value: 1)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: readSize))
        }
        let channel =
            try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawConnection(channel: channel, received: received)
    }

    /// Sends the preface and empty SETTINGS.
    static func handshaken(port: Int, initialCredit: UInt32? = nil, from source: String? = nil) async throws
        -> RawConnection
    {
        try await self.handshaken(port: port, settings: Settings(initialCredit: initialCredit), from: source)
    }

    /// Sends the preface and `settings`.
    static func handshaken(
        port: Int,
        settings: Settings,
        from source: String? = nil,
        readSize: Int? = nil
    ) async throws -> RawConnection {
        let connection = try await self.connect(port: port, from: source, readSize: readSize)
        var bytes = ConnectionPreface.bytes
        bytes += Self.frame(.settings, streamID: 0, payload: try settings.encode())
        try await connection.send(bytes)
        return connection
    }

    static func frame(_ type: FrameType, flags: UInt8 = 0, streamID: UInt32, payload: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeFrameHeader(
            type: type,
            flags: FrameFlags(rawValue: flags),
            streamID: streamID,
            length: payload.count
        )
        buffer.writeBytes(payload)
        return Array(buffer.readableBytesView)
    }

    static func callOpen(
        _ streamID: UInt32,
        method: String,
        apiKey: String? = TestKeys.reader,
        integration: String? = "int-1",
        timeoutMs: UInt64? = nil
    )
        throws -> [UInt8]
    {
        self.frame(
            .callOpen,
            streamID: streamID,
            payload: try CallOpen(method: method, timeoutMs: timeoutMs, apiKey: apiKey, integrationID: integration)
                .encode()
        )
    }

    static func credit(_ streamID: UInt32, _ count: UInt32) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeCreditFrame(streamID: streamID, count: count)
        return Array(buffer.readableBytesView)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends `buffer` (shared, not copied, when sent many times).
    func send(_ buffer: ByteBuffer) async throws {
        try await self.channel.writeAndFlush(buffer)
    }

    /// Reads once from the socket every `interval` until cancelled (a connection made with a
    /// `readSize`): on the channel's event loop, so a busy test process does not delay it.
    func read(every interval: TimeAmount) -> RepeatedTask {
        let channel = self.channel
        return channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { _ in channel.read() }
    }

    /// Stops reading from the socket, like a client that hangs.
    func stopReading() {
        self.channel.setOption(.autoRead, value: false).whenComplete { _ in }
    }

    /// Reads from the socket again after ``stopReading()``.
    func resumeReading() {
        let channel = self.channel
        channel.setOption(.autoRead, value: true).whenComplete { _ in channel.read() }
    }

    var isClosed: Bool { self.received.state.withLock { $0.closed } }

    /// The frames received so far after the server's preface.
    func frames() -> [Frame] {
        let bytes = self.received.state.withLock { $0.bytes }
        var buffer = ByteBuffer(bytes: bytes)
        var decoder = FrameDecoder(maxFrameSize: 64 << 20, maxMessageSize: 64 << 20)
        var frames: [Frame] = []
        while let event = try? decoder.decode(buffer: &buffer) {
            if case .frame(let frame) = event { frames.append(frame) }
        }
        return frames
    }

    /// Waits for a frame matching `predicate`.
    func waitForFrame(_ what: String, _ predicate: (Frame) -> Bool) async throws -> Frame {
        var found: Frame?
        try await eventually(what) {
            found = self.frames().first(where: predicate)
            return found != nil
        }
        return found!
    }

    /// Waits for the STATUS of a stream.
    func status(of streamID: UInt32) async throws -> Status {
        let frame = try await self.waitForFrame("STATUS on stream \(streamID)") {
            $0.type == .status && $0.streamID == streamID
        }
        return try Status(decoding: Array(frame.payload.readableBytesView))
    }

    func waitForClose(timeout: Duration = .seconds(5)) async throws {
        try await eventually(timeout: timeout, "the server to close the connection") { self.isClosed }
    }

    func close() async {
        try? await self.channel.close()
    }
}
