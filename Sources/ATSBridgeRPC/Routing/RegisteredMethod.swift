package import ATSBridgeProto

/// A method the router knows, with its type-erased handler.
package struct RegisteredMethod: Sendable {
    package var name: String
    package var kind: MethodKind
    package var access: MethodAccess
    /// Whether calls append an entry to the router's audit trail.
    package var audited = false
    /// Where an audited method's calls are recorded, also when refused before the handler.
    package var auditTrail: AuditTrail?
    /// Decodes the request, runs the handler and sends its responses; throws to fail the call.
    package var run:
        @Sendable (_ request: [UInt8], _ stream: ServerStream, _ context: ServerContext) async throws -> Void

    /// A method with its handler (the router's registrations, and tools driving the state
    /// machine without a router).
    package init(
        name: String,
        kind: MethodKind,
        access: MethodAccess,
        audited: Bool = false,
        auditTrail: AuditTrail? = nil,
        run:
            @escaping @Sendable (_ request: [UInt8], _ stream: ServerStream, _ context: ServerContext) async throws
            -> Void
    ) {
        self.name = name
        self.kind = kind
        self.access = access
        self.audited = audited
        self.auditTrail = auditTrail
        self.run = run
    }
}
