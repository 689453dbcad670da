package import ATSBridgeProto

/// A method the router knows, with its type-erased handler.
package struct RegisteredMethod: Sendable {
    package var name: String
    package var kind: MethodKind
    package var access: MethodAccess
    /// Decodes the request, runs the handler and sends its responses; throws to fail the call.
    package var run:
        @Sendable (_ request: [UInt8], _ stream: ServerStream, _ context: ServerContext) async throws -> Void

    /// A method with its handler (the router's registrations, and tools driving the state
    /// machine without a router).
    package init(
        name: String,
        kind: MethodKind,
        access: MethodAccess,
        run:
            @escaping @Sendable (_ request: [UInt8], _ stream: ServerStream, _ context: ServerContext) async throws
            -> Void
    ) {
        self.name = name
        self.kind = kind
        self.access = access
        self.run = run
    }
}
