/// How long the store keeps what it no longer needs.
public struct RetentionPolicy: Sendable, Hashable {
    /// How long personal data of records deleted upstream is kept before it is blanked.
    /// Defaults to 14 days.
    public var deletedPersonalData: Duration = .seconds(14 * 24 * 3600)
    /// How long idempotency keys of writes are kept. Defaults to 24 hours.
    public var idempotencyKeys: Duration = .seconds(24 * 3600)

    /// Creates a policy with every default.
    public init() {}

    /// The default policy.
    public static var defaults: Self { .init() }
}

extension Store {
    /// Applies `policy` as of `now` (ms since epoch): blanks expired personal data and forgets
    /// expired idempotency keys. Returns how many records and keys were affected.
    @discardableResult
    public func applyRetention(_ policy: RetentionPolicy, now: Int64) async throws -> (blanked: Int, keysPurged: Int) {
        let blanked = try await self.blankDeletedPersonalData(
            deletedBefore: now - policy.deletedPersonalData.milliseconds
        )
        let purged = try await self.purgeIdempotencyKeys(createdBefore: now - policy.idempotencyKeys.milliseconds)
        return (blanked, purged)
    }
}
