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
    /// Whether the call ends as soon as a graceful shutdown starts (change streams, which
    /// never end by themselves), instead of being given the grace period.
    package var endsOnShutdown = false
    /// Decodes the request (taking its bytes), runs the handler and sends its responses; throws
    /// to fail the call.
    package var run:
        @Sendable (_ request: RequestBytes, _ stream: ServerStream, _ context: ServerContext) async throws -> Void
}
