import ATSBridgeCore
public import ATSBridgeProto

/// The methods a server serves, each with its access rule and handler.
///
/// ```swift
/// var router = RPCRouter()
/// router.unary(HealthService.ping, access: .open) { request, context in
///     PingResponse(payload: request.payload)
/// }
/// router.serverStreaming(AtsReadService.listCandidates, access: .readIntegration) { request, writer, context in
///     for page in pages { try await writer.write(page) }
/// }
/// ```
public struct RPCRouter: Sendable {
    package private(set) var methods: [String: RegisteredMethod] = [:]

    /// The largest request message a handler accepts; larger ones fail with INVALID_ARGUMENT.
    public var requestLimits: DecodingLimits

    /// Creates an empty router.
    public init(requestLimits: DecodingLimits = .default) {
        self.requestLimits = requestLimits
    }

    /// Registers a unary method.
    public mutating func unary<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        access: MethodAccess,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        self.unaryEncoded(method, access: access) { request, context in
            try await handler(request, context).encode()
        }
    }

    /// Registers a unary method whose handler returns the response already encoded.
    public mutating func unaryEncoded<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        access: MethodAccess,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> [UInt8]
    ) {
        precondition(method.kind == .unary, "\(method.fullName) is not unary")
        let limits = self.requestLimits
        self.methods[method.fullName] = RegisteredMethod(name: method.fullName, kind: .unary, access: access) {
            bytes,
            stream,
            context in
            let request = try Self.decode(Request.self, bytes, limits)
            try await stream.sendUnaryResponse(try await handler(request, context))
        }
    }

    /// Registers a server-streaming method.
    ///
    /// - Parameter endsOnShutdown: End the call at once, with UNAVAILABLE
    ///   `PLATFORM.SERVER_SHUTTING_DOWN`, when a graceful shutdown starts: for streams that
    ///   never end by themselves.
    public mutating func serverStreaming<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        access: MethodAccess,
        endsOnShutdown: Bool = false,
        handler: @escaping @Sendable (Request, ResponseWriter<Response>, ServerContext) async throws -> Void
    ) {
        precondition(method.kind == .serverStreaming, "\(method.fullName) is not server-streaming")
        let limits = self.requestLimits
        self.methods[method.fullName] = RegisteredMethod(
            name: method.fullName,
            kind: .serverStreaming,
            access: access,
            endsOnShutdown: endsOnShutdown
        ) { bytes, stream, context in
            let request = try Self.decode(Request.self, bytes, limits)
            try await handler(request, ResponseWriter(stream: stream, method: context.method), context)
        }
    }

    private static func decode<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8], _ limits: DecodingLimits) throws -> M
    {
        do {
            return try M(decoding: bytes, limits: limits)
        } catch {
            throw ATSBridgeError(decoding: error)
        }
    }
}
