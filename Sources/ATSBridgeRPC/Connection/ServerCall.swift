/// A call ready to run: its stream, method, request bytes and context.
package struct ServerCall: Sendable {
    package var stream: ServerStream
    package var method: RegisteredMethod
    package var request: [UInt8]
    package var context: ServerContext
}
