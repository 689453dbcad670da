import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeSync
import Crypto
import Synchronization

/// Runs write commands so that a retry with the same idempotency key never writes to RECRU
/// twice, even across a crash or a deadline passing mid-write.
///
/// A command runs in its own task, so it finishes and records its outcome even when the call
/// that started it is cancelled. Its progress is kept in the store under the key:
///
/// 1. claimed (no response yet) before anything is sent to RECRU;
/// 2. a checkpoint once RECRU has answered (the created RECRU ids), before the store is updated;
/// 3. the final response, or a definitive error (invalid input, job closed, already applied).
///
/// A retry with the same key and body returns (2)'s or (3)'s outcome without calling RECRU again;
/// a retry finding only (1) from a server that died re-runs the command, which RECRU's duplicate
/// check ("already applied") turns into `ATS.APPLICATION_ALREADY_EXISTS` rather than a second
/// application. Transient failures (RECRU down, rate-limited) forget the key, so the retry runs
/// again. The same key with a different body is `PLATFORM.INPUT_INVALID`.
final class IdempotentExecutor: Sendable {
    /// Saves a checkpoint (the RECRU ids a command created) under the command's key.
    typealias Checkpoint = @Sendable ([UInt8]) async throws -> Void
    /// A command: given an earlier checkpoint (if a previous attempt got that far), it returns
    /// the encoded response.
    typealias Command = @Sendable (_ resumeFrom: [UInt8]?, _ checkpoint: @escaping Checkpoint) async throws -> [UInt8]

    private let store: any Store
    private let clock: any SyncClock
    private let inFlight = Mutex<[String: Task<[UInt8], any Error>]>([:])

    private enum Tag: UInt8 {
        case checkpoint = 1
        case response = 2
        case failure = 3
    }

    init(store: any Store, clock: any SyncClock) {
        self.store = store
        self.clock = clock
    }

    func run(integrationID: String, key: String?, request: [UInt8], _ command: @escaping Command) async throws
        -> [UInt8]
    {
        guard let key else {
            return try await self.detached(nil) { try await command(nil, { _ in }) }
        }
        guard !key.isEmpty, key.count <= 200 else {
            throw ATSBridgeError(.inputInvalid, "idempotency_key must be 1 to 200 characters")
        }
        let hash = Array(SHA256.hash(data: request))
        let slot = integrationID + "\u{0}" + key
        if let running = self.inFlight.withLock({ $0[slot] }) {
            // The running command is never cancelled by this call's cancellation.
            return try await running.value
        }
        let record = IdempotencyRecord(
            integrationID: integrationID,
            key: key,
            requestHash: hash,
            response: nil,
            createdAt: self.clock.nowMilliseconds()
        )
        var resume: [UInt8]?
        if let existing = try await self.store.claimIdempotencyKey(record) {
            guard existing.requestHash == hash else {
                throw ATSBridgeError(
                    .inputInvalid,
                    "idempotency_key was already used with a different request; use a new key for a new request"
                )
            }
            if let saved = existing.response, let tag = saved.first.flatMap(Tag.init(rawValue:)) {
                let body = Array(saved.dropFirst())
                switch tag {
                case .response: return body
                case .failure: throw try Self.decodeFailure(body)
                case .checkpoint: resume = body
                }
            }
        }
        let store = self.store
        let resumeFrom = resume
        return try await self.detached(slot) {
            do {
                let response = try await command(resumeFrom) { checkpoint in
                    try await store.completeIdempotencyKey(
                        integrationID: integrationID,
                        key: key,
                        response: [Tag.checkpoint.rawValue] + checkpoint
                    )
                }
                try await store.completeIdempotencyKey(
                    integrationID: integrationID,
                    key: key,
                    response: [Tag.response.rawValue] + response
                )
                return response
            } catch let error as ATSBridgeError where Self.isDefinitive(error) {
                let status = try error.status.encode()
                try? await store.completeIdempotencyKey(
                    integrationID: integrationID,
                    key: key,
                    response: [Tag.failure.rawValue] + status
                )
                throw error
            } catch {
                if resumeFrom == nil { try? await store.releaseIdempotencyKey(integrationID: integrationID, key: key) }
                throw error
            }
        }
    }

    /// Runs `body` shielded from the call's cancellation (the command goes on and records its
    /// outcome), and waits for it. Under a `slot`, the running command is published so that a
    /// retry with the same key joins it instead of running it twice.
    private func detached(_ slot: String?, _ body: @escaping @Sendable () async throws -> [UInt8]) async throws
        -> [UInt8]
    {
        guard let slot else { return try await withCancellationShield(body) }
        // Not fire-and-forget: the caller awaits the task, and the task leaves the table itself
        // when it ends (the lock, taken before it can run, makes its removal follow its insertion).
        let task = self.inFlight.withLock { inFlight in
            let task = Task {
                defer { _ = self.inFlight.withLock { $0.removeValue(forKey: slot) } }
                return try await body()
            }
            inFlight[slot] = task
            return task
        }
        return try await task.value
    }

    /// Errors a retry would meet again, so they are the recorded outcome.
    private static func isDefinitive(_ error: ATSBridgeError) -> Bool {
        switch error.code.status {
        case .invalidArgument, .notFound, .alreadyExists, .failedPrecondition: true
        default: false
        }
    }

    private static func decodeFailure(_ bytes: [UInt8]) throws -> ATSBridgeError {
        ATSBridgeError(status: try Status(decoding: bytes))
    }
}
