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

    /// A runner with these interceptors and limits.
    package init(interceptors: [any ServerInterceptor], admission: CallAdmission? = nil) {
        self.interceptors = interceptors
        self.admission = admission
    }

    /// Runs every call yielded on `calls` until the stream ends and all calls have finished.
    package func run(_ calls: AsyncStream<ServerCall>) async {
        await withDiscardingTaskGroup { group in
            for await call in calls {
                group.addTask { await self.run(call) }
            }
        }
    }

    /// Runs one call until its handler finishes or it is cancelled from outside.
    package func run(_ call: ServerCall) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.execute(call) }
            group.addTask { _ = await call.stream.waitForCancellation() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    private func execute(_ call: ServerCall) async {
        let started = ContinuousClock.now
        var code = "OK"
        defer {
            RPCMetrics.callFinished(
                method: call.context.method,
                code: .init(rawValue: code),
                duration: ContinuousClock.now - started
            )
        }
        do {
            var call = call
            for interceptor in self.interceptors { try await interceptor.intercept(&call) }
            let admission = self.admission
            let holdsWrite = try admission?.admit(call.context.principal, access: call.method.access.level) ?? false
            defer { if holdsWrite { admission?.writeFinished() } }
            try await call.method.run(call.request, call.stream, call.context)
            call.stream.finish(Status(code: .ok))
        } catch let error as ATSBridgeError {
            code = error.code.status.name ?? "UNKNOWN"
            call.stream.finish(error.status)
        } catch is CancellationError {
            code = Self.finishCancelled(call.stream)
        } catch {
            if Task.isCancelled || call.stream.cancelReason != nil {
                code = Self.finishCancelled(call.stream)
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

    /// Ends a cancelled call's stream; returns its status name for the metrics.
    private static func finishCancelled(_ stream: ServerStream) -> String {
        switch stream.cancelReason {
        case .deadlineExceeded:
            stream.finish(ATSBridgeError(.deadlineExceeded, "the call's deadline passed").status)
            return "DEADLINE_EXCEEDED"
        case .shutdown:
            stream.finish(ATSBridgeError(.unavailable, "the server is shutting down").status)
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
