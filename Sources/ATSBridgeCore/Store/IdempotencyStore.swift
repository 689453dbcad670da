/// Idempotency records of write commands: one remote write per key.
public protocol IdempotencyStore: Sendable {
    /// Stores an idempotency record unless one exists for its key; returns the existing one.
    func claimIdempotencyKey(_ record: IdempotencyRecord) async throws -> IdempotencyRecord?
    /// Records the response of a claimed key, if the claim made at `claimedAt` still holds it
    /// (a retry may have taken the key over since); returns whether it did.
    @discardableResult
    func completeIdempotencyKey(integrationID: String, key: String, claimedAt: Int64, response: [UInt8])
        async throws -> Bool
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
    /// Moves the claim made at `claimedAt` to `renewedAt`, keeping its response, if it still
    /// holds the key: a running command's heartbeat, so that its claim never looks abandoned.
    /// Returns whether it did.
    func renewIdempotencyKey(integrationID: String, key: String, claimedAt: Int64, renewedAt: Int64) async throws
        -> Bool
    /// Forgets one key, if the claim made at `claimedAt` still holds it, so that a retry runs
    /// the command again (after a transient failure).
    func releaseIdempotencyKey(integrationID: String, key: String, claimedAt: Int64) async throws
    /// Forgets keys created before `cutoff`.
    func purgeIdempotencyKeys(createdBefore cutoff: Int64) async throws -> Int
}
