/// The account of one integration in a remote ATS: where it lives and how to log in.
///
/// Its description never shows the password.
public struct RemoteATSAccount: Sendable, Hashable, CustomStringConvertible {
    /// The integration the account belongs to; part of every derived record id.
    public var integrationID: String
    /// The tenant's base URL, e.g. `https://acme.recru.eu`.
    public var tenantURL: String
    /// The API user's login.
    public var login: String
    /// The API user's password. Never logged.
    public var password: String
    /// The most requests per second to send to this account (the integration's setting), or
    /// `nil` for the adapter's default. The adapter adapts below it when the remote refuses.
    public var maxRequestsPerSecond: Double?

    /// Creates an account.
    public init(
        integrationID: String,
        tenantURL: String,
        login: String,
        password: String,
        maxRequestsPerSecond: Double? = nil
    ) {
        self.integrationID = integrationID
        self.tenantURL = tenantURL
        self.login = login
        self.password = password
        self.maxRequestsPerSecond = maxRequestsPerSecond
    }

    /// The account without its password.
    public var description: String {
        "RemoteATSAccount(integration: \(self.integrationID), tenant: \(self.tenantURL), password: <redacted>)"
    }
}
