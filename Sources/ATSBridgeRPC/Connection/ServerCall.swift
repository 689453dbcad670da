/// A call ready to run: its stream, method, request message and context.
package struct ServerCall: Sendable {
    package var stream: ServerStream
    package var method: RegisteredMethod
    /// The request message, taken out by the handler's decoding.
    package var request: RequestBytes
    /// The call's context; its principal is anonymous until an interceptor authorizes it.
    package var context: ServerContext
    /// The API key of the CALL_OPEN, for the authorization step; never logged.
    package var apiKey: String?

    package init(
        stream: ServerStream,
        method: RegisteredMethod,
        request: RequestBytes,
        context: ServerContext,
        apiKey: String?
    ) {
        self.stream = stream
        self.method = method
        self.request = request
        self.context = context
        self.apiKey = apiKey
    }
}
