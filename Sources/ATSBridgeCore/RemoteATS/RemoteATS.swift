public import ATSBridgeProto

/// A remote ATS the house mirrors and writes to, as the rest of ATSBridge sees it: the
/// vendor-neutral port that an adapter target implements; the app wires one in
/// (docs/architecture.md).
///
/// Sync and the API services speak only this port; they never see the vendor's method names,
/// JSON or paging. Errors are ``ATSBridgeError``s with dotted codes (`REMOTE.*`,
/// `INTEGRATION.AUTHENTICATION_INVALID`, `ATS.*`, `PLATFORM.NOT_FOUND`).
public protocol RemoteATS: Sendable {
    /// The vendor's name as users know it, for messages.
    var name: String { get }

    /// What the adapter reads and writes, field by field (the Admin API's coverage).
    var coverage: IntegrationCoverage { get }

    /// The form of the remote's own ids, for messages ("a whole number"); `nil` when any text
    /// can be one.
    var remoteIDForm: String? { get }

    /// Whether `id` has the form of the remote's own ids, so that a `remote:` id in a write
    /// command that cannot be one is refused before the remote is called.
    func isRemoteID(_ id: String) -> Bool

    /// Checks an account before it is stored: the credentials work and may read.
    ///
    /// Fails fast (a person waits for the answer).
    /// - Throws: ``ATSBridgeError`` `INTEGRATION.AUTHENTICATION_INVALID` for rejected
    ///   credentials, `REMOTE.*` when the remote cannot be reached or answers oddly.
    func validateCredentials(_ account: RemoteATSAccount) async throws

    /// A connection to one integration's account, for `use`.
    ///
    /// A sync gets a fresh connection per run; writes share one per integration (its session is
    /// reused) until the account's tenant, login or password changes.
    func connection(to account: RemoteATSAccount, for use: RemoteATSUse) -> any RemoteATSConnection
}

extension RemoteATS {
    /// Any text can be an id of a remote that does not say otherwise.
    public var remoteIDForm: String? { nil }

    /// Any text can be an id of a remote that does not say otherwise.
    public func isRemoteID(_ id: String) -> Bool { true }
}
