package import ATSBridgeCore
package import ATSBridgeProto
import Logging

/// Runs the calls of one connection as child tasks, each racing its handler against outside
/// cancellation (client cancel, deadline, disconnect, shutdown).
package enum ServerCallRunner {
    /// Runs every call yielded on `calls` until the stream ends and all calls have finished.
    package static func run(_ calls: AsyncStream<ServerCall>) async {
        await withDiscardingTaskGroup { group in
            for await call in calls {
                group.addTask { await self.run(call) }
            }
        }
    }

    /// Runs one call until its handler finishes or it is cancelled from outside.
    package static func run(_ call: ServerCall) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.execute(call) }
            group.addTask { _ = await call.stream.waitForCancellation() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    private static func execute(_ call: ServerCall) async {
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
            try await call.method.run(call.request, call.stream, call.context)
            call.stream.finish(Status(code: .ok))
        } catch let error as ATSBridgeError {
            code = error.code.status.name ?? "UNKNOWN"
            call.stream.finish(error.status)
        } catch is CancellationError {
            code = "CANCELLED"
            self.finishCancelled(call.stream)
        } catch {
            if Task.isCancelled || call.stream.cancelReason != nil {
                code = "CANCELLED"
                self.finishCancelled(call.stream)
                return
            }
            code = "INTERNAL"
            // Log the error's type only: descriptions of arbitrary errors may hold personal data.
            call.context.logger.error(
                "handler failed",
                metadata: ["rpc.method": "\(call.context.method)", "error.type": "\(type(of: error))"]
            )
            call.stream.finish(ATSBridgeError(.internalError, "internal error").status)
        }
    }

    private static func finishCancelled(_ stream: ServerStream) {
        switch stream.cancelReason {
        case .deadlineExceeded:
            stream.finish(ATSBridgeError(.deadlineExceeded, "the call's deadline passed").status)
        case .shutdown:
            stream.finish(ATSBridgeError(.unavailable, "the server is shutting down").status)
        case .clientCancelled, .connectionClosed:
            stream.finishSilently()
        case nil:
            stream.finish(ATSBridgeError(.cancelled, "the call was cancelled").status)
        }
    }
}
