import ATSBridgeCore
import ATSBridgeProto
import Logging

/// Runs the calls of one connection as child tasks, each racing its interceptors and handler
/// against outside cancellation (client cancel, deadline, disconnect, shutdown).
package struct ServerCallRunner: Sendable {
    /// The steps run before every handler, in order (authorization first).
    package var interceptors: [any ServerInterceptor]
    /// The rate and write limits, checked after the interceptors; `nil` for none.
    package var admission: CallAdmission?
    /// How often the interceptors run again for a call that never ends by itself
    /// (``RegisteredMethod/endsOnShutdown``): a key revoked meanwhile ends it.
    package var keyRecheckInterval: Duration
    /// The server's memory for pages read and not yet sent, and its shares per connection and
    /// per key: each call's context gets a budget within all three.
    package var responseMemory: ResponseMemoryShares?

    /// A runner with these interceptors and limits.
    package init(
        interceptors: [any ServerInterceptor],
        admission: CallAdmission? = nil,
        keyRecheckInterval: Duration = .seconds(10),
        responseMemory: ResponseMemoryShares? = nil
    ) {
        self.interceptors = interceptors
        self.admission = admission
        self.keyRecheckInterval = keyRecheckInterval
        self.responseMemory = responseMemory
    }

    /// Runs every call yielded on `calls` until the stream ends and all calls have finished.
    ///
    /// Unary calls run on the calling task's executor (the connection's event loop, when the
    /// server runs calls there: no thread wake-up between the loop and the handler). Streaming
    /// calls spend their time producing messages and run on the global pool, beside the event
    /// loop that sends what they produce.
    package func run(_ calls: AsyncStream<ServerCall>) async {
        let connectionMemory = self.responseMemory?.connection()
        defer { connectionMemory?.close() }
        await withDiscardingTaskGroup { group in
            for await call in calls {
                if call.method.kind == .unary {
                    group.addTask { await self.run(call, connectionMemory: connectionMemory) }
                } else {
                    group.addTask(executorPreference: globalConcurrentExecutor) {
                        await self.run(call, connectionMemory: connectionMemory)
                    }
                }
            }
        }
    }

    /// Runs one call until its handler finishes or it is cancelled from outside.
    ///
    /// - Parameter connectionMemory: The response memory of the call's connection
    ///   (``ResponseMemoryShares/connection()``); one of its own when `nil`.
    package func run(_ call: ServerCall, connectionMemory: ConnectionResponseMemory? = nil) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.execute(call, connectionMemory: connectionMemory)
                call.stream.handlerFinished()
            }
            // The race is waited for here rather than in a second child task: one task fewer to
            // create, schedule and wake per call (unary latency is mostly such hand-offs).
            if await call.stream.waitUntilSettled() != nil { group.cancelAll() }
        }
    }

    private func execute(_ call: ServerCall, connectionMemory: ConnectionResponseMemory?) async {
        let started = ContinuousClock.now
        var code = "OK"
        var authorized = call
        var errorCode: String?
        let ownMemory = connectionMemory == nil ? self.responseMemory?.connection() : nil
        defer { ownMemory?.close() }
        defer {
            RPCMetrics.callFinished(
                method: call.context.method,
                code: .init(rawValue: code),
                duration: ContinuousClock.now - started
            )
            Self.logAction(authorized, status: code, errorCode: errorCode)
        }
        do {
            for interceptor in self.interceptors { try await interceptor.intercept(&authorized) }
            authorized.context.readMemory = (connectionMemory ?? ownMemory)?.budget(for: authorized.context.principal)
            let admission = self.admission
            let holdsWrite =
                try admission?.admit(authorized.context.principal, access: authorized.method.access.level) ?? false
            defer { if holdsWrite { admission?.writeFinished() } }
            try await self.handle(authorized)
            call.stream.finish(Status(code: .ok))
        } catch {
            // A cancelled call may fail with whatever its handler makes of the interruption (a
            // store maps an interrupted statement, a client a closed channel): the cancellation is
            // what ended it, so that is what the client and the metrics see.
            if error is CancellationError || call.stream.cancelReason != nil || Task.isCancelled {
                code = Self.finishCancelled(call.stream)
                return
            }
            if let error = error as? ATSBridgeError {
                code = error.code.status.name ?? "UNKNOWN"
                errorCode = error.code.dotted
                call.stream.finish(error.status)
                return
            }
            code = "INTERNAL"
            // Log the error's type only: descriptions of arbitrary errors may hold personal data.
            call.context.logger.error(
                "handler failed",
                metadata: [LogKey.rpcMethod: "\(call.context.method)", LogKey.errorType: "\(type(of: error))"]
            )
            call.stream.finish(ATSBridgeError(.internalError, "internal error").status)
        }
    }

    /// Runs the handler; one that never ends by itself races a loop that authorizes its key
    /// again every ``keyRecheckInterval``, whose error (a revoked key: UNAUTHENTICATED) ends it.
    private func handle(_ call: ServerCall) async throws {
        guard call.method.endsOnShutdown, call.method.access.level > .none else {
            return try await call.method.run(call.request, call.stream, call.context)
        }
        let interval = self.keyRecheckInterval
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await call.method.run(call.request, call.stream, call.context) }
            group.addTask {
                while true {
                    try await Task.sleep(for: interval)
                    var again = call
                    for interceptor in self.interceptors { try await interceptor.intercept(&again) }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Logs every authorized write and admin call, with its outcome: the method, the key's name
    /// and the integration, never the request (it may hold personal data).
    private static func logAction(_ call: ServerCall, status: String, errorCode: String?) {
        guard call.method.access.level >= .write, call.context.principal.access >= .write else { return }
        var metadata: Logger.Metadata = [
            LogKey.rpcMethod: "\(call.context.method)",
            LogKey.rpcKey: "\(call.context.principal.keyName)",
            LogKey.rpcStatus: "\(status)",
        ]
        if let integrationID = call.context.metadata.integrationID {
            metadata[LogKey.integrationID] = "\(integrationID)"
        }
        if let errorCode { metadata[LogKey.rpcErrorCode] = "\(errorCode)" }
        call.context.logger.notice(call.method.access.level >= .admin ? "admin call" : "write call", metadata: metadata)
    }

    /// Ends a cancelled call's stream; returns its status name for the metrics.
    private static func finishCancelled(_ stream: ServerStream) -> String {
        switch stream.cancelReason {
        case .deadlineExceeded:
            stream.finish(ATSBridgeError(.deadlineExceeded, "the call's deadline passed").status)
            return "DEADLINE_EXCEEDED"
        case .shutdown:
            stream.finish(ATSBridgeError(.serverShuttingDown, "server shutting down").status)
            return "UNAVAILABLE"
        case .creditStalled:
            // The stream already ended with RESOURCE_EXHAUSTED.
            return "RESOURCE_EXHAUSTED"
        case .clientCancelled, .connectionClosed:
            stream.finishSilently()
            return "CANCELLED"
        case nil:
            stream.finish(ATSBridgeError(.cancelled, "the call was cancelled").status)
            return "CANCELLED"
        }
    }
}
