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

    /// Where audited methods record their calls; `nil` records nothing.
    public let auditTrail: AuditTrail?

    /// Creates an empty router.
    public init(requestLimits: DecodingLimits = .default, auditTrail: AuditTrail? = nil) {
        self.requestLimits = requestLimits
        self.auditTrail = auditTrail
    }

    /// Registers a unary method.
    ///
    /// - Parameters:
    ///   - integration: For methods with ``MethodAccess/Scope/requestIntegration`` (and only
    ///     them): the integration the request names. The router refuses the call with
    ///     PERMISSION_DENIED unless the key may access it, before the handler runs.
    ///   - audit: Makes the method audited: each call with a known key appends an entry (key
    ///     name, method, integration, target ids, outcome) to ``auditTrail``, also when its role
    ///     or scope refuses it.
    public mutating func unary<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        access: MethodAccess,
        integration: (@Sendable (Request) -> String)? = nil,
        audit: RPCAudit<Request, Response>? = nil,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        precondition(method.kind == .unary, "\(method.fullName) is not unary")
        precondition(
            (access.scope == .requestIntegration) == (integration != nil),
            "\(method.fullName): give `integration` exactly for request-integration methods"
        )
        let limits = self.requestLimits
        let trail = audit == nil ? nil : self.auditTrail
        self.methods[method.fullName] = RegisteredMethod(
            name: method.fullName,
            kind: .unary,
            access: access,
            audited: audit != nil,
            auditTrail: trail
        ) { bytes, stream, context in
            let request = try Self.decode(Request.self, bytes.take(), limits)
            let integrationID = integration.map { $0(request) } ?? context.metadata.integrationID
            let response: Response
            do {
                if integration != nil { try context.principal.requireAccess(integration: integrationID ?? "") }
                response = try await handler(request, context)
            } catch {
                let targets = audit?.targets(request, nil) ?? []
                await trail?.record(context, integrationID: integrationID, targets: targets, error: error)
                throw error
            }
            let targets = audit?.targets(request, response) ?? []
            await trail?.record(context, integrationID: integrationID, targets: targets, error: nil)
            try await stream.sendUnaryResponse(try response.encode())
        }
    }

    /// Registers a unary method whose handler returns the response already encoded, with the
    /// read memory its bytes hold (released once they are written).
    public mutating func unaryEncoded<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        access: MethodAccess,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> EncodedResponse
    ) {
        precondition(method.kind == .unary, "\(method.fullName) is not unary")
        precondition(access.scope != .requestIntegration, "\(method.fullName): register it with `unary(integration:)`")
        let limits = self.requestLimits
        self.methods[method.fullName] = RegisteredMethod(name: method.fullName, kind: .unary, access: access) {
            bytes,
            stream,
            context in
            let request = try Self.decode(Request.self, bytes.take(), limits)
            let response = try await handler(request, context)
            try await stream.sendUnaryResponse(response.bytes, memory: response.memory)
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
        precondition(
            access.scope != .requestIntegration,
            "\(method.fullName): streams name their integration in metadata"
        )
        let limits = self.requestLimits
        self.methods[method.fullName] = RegisteredMethod(
            name: method.fullName,
            kind: .serverStreaming,
            access: access,
            endsOnShutdown: endsOnShutdown
        ) { bytes, stream, context in
            let request = try Self.decode(Request.self, bytes.take(), limits)
            // A stream may run for hours (a change stream never ends): its request bytes go
            // back to the request memory now, so that long calls cannot pin the budget.
            stream.requestDecoded()
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
