/// Idempotency records of write commands: one remote write per key.
public protocol IdempotencyStore: Sendable {
    /// Stores an idempotency record unless one exists for its key; returns the existing one.
    func claimIdempotencyKey(_ record: IdempotencyRecord) async throws -> IdempotencyRecord?
    /// Records the response of a claimed key.
    func completeIdempotencyKey(integrationID: String, key: String, response: [UInt8]) async throws
    /// Forgets one key, so that a retry runs the command again (after a transient failure).
    func releaseIdempotencyKey(integrationID: String, key: String) async throws
    /// Forgets keys created before `cutoff`.
    func purgeIdempotencyKeys(createdBefore cutoff: Int64) async throws -> Int
}
