/// A step the call runner executes before a method's handler: it may refuse the call by
/// throwing (an ``ATSBridgeCore/ATSBridgeError`` becomes the call's status) or fill in the
/// call's context. Interceptors run in order, on the call's task, never on the event loop.
package protocol ServerInterceptor: Sendable {
    /// Checks `call` before its handler runs, and may change its context.
    func intercept(_ call: inout ServerCall) async throws
}
