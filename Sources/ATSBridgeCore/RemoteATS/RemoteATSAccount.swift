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

    /// Creates an account.
    public init(integrationID: String, tenantURL: String, login: String, password: String) {
        self.integrationID = integrationID
        self.tenantURL = tenantURL
        self.login = login
        self.password = password
    }

    /// The account without its password.
    public var description: String {
        "RemoteATSAccount(integration: \(self.integrationID), tenant: \(self.tenantURL), password: <redacted>)"
    }
}
