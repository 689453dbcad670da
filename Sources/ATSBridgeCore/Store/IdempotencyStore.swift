/// Idempotency records of write commands: one remote write per key.
public protocol IdempotencyStore: Sendable {
    /// Stores an idempotency record unless one exists for its key; returns the existing one.
    func claimIdempotencyKey(_ record: IdempotencyRecord) async throws -> IdempotencyRecord?
    /// Records the response of a claimed key.
    func completeIdempotencyKey(integrationID: String, key: String, response: [UInt8]) async throws
    /// Takes over a key whose command may have reached the remote and whose outcome is unknown
    /// (an uncertain mark, or a claim its server left when it died): sets it back to claimed,
    /// without a response, at `claimedAt`, but only if it still holds `response` and
    /// `createdAt` as they were read. Returns whether this caller took it: of several servers
    /// resuming one key at once, one does, and the others wait for its outcome.
    func retakeIdempotencyKey(
        integrationID: String,
        key: String,
        response: [UInt8]?,
        createdAt: Int64,
        claimedAt: Int64
    ) async throws -> Bool
    /// Forgets one key, so that a retry runs the command again (after a transient failure).
    func releaseIdempotencyKey(integrationID: String, key: String) async throws
    /// Forgets keys created before `cutoff`.
    func purgeIdempotencyKeys(createdBefore cutoff: Int64) async throws -> Int
}
