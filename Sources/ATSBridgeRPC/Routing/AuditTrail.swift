public import ATSBridgeCore
import ATSBridgeProto
import Logging

/// Where the router appends audit entries, and its clock.
public struct AuditTrail: Sendable {
    private let log: any AuditStore
    private let now: @Sendable () -> Int64

    /// A trail into `log`; `now` stamps entries (the wall clock by default).
    public init(log: any AuditStore, now: @escaping @Sendable () -> Int64 = { WallClock.nowMilliseconds() }) {
        self.log = log
        self.now = now
    }

    /// Appends the entry of one call. A failing append is logged and does not fail the call:
    /// the action has happened by then.
    package func record(
        _ context: ServerContext,
        integrationID: String?,
        targets: [String],
        error: (any Error)?
    ) async {
        var entry = AuditEntry(
            at: self.now(),
            keyName: context.principal.keyName,
            method: context.method,
            integrationID: integrationID,
            targetIDs: targets,
            status: .ok
        )
        if let error {
            let failure =
                (error as? ATSBridgeError)
                ?? ATSBridgeError(error is CancellationError ? .cancelled : .internalError, "failed")
            entry.status = failure.code.status
            entry.errorCode = failure.code.dotted
        }
        do {
            // Also when the call was cancelled (its deadline passed): a write command finishes
            // once sent to RECRU, and what it did must be in the log whatever the caller's fate.
            let log = self.log
            try await withCancellationShield { [entry] in try await log.appendAudit(entry) }
        } catch {
            context.logger.error(
                "audit entry not written",
                metadata: [LogKey.rpcMethod: "\(context.method)", LogKey.errorType: "\(type(of: error))"]
            )
        }
    }
}
