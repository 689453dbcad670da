public import ATSBridgeProto

/// An integration as stored: its public description and its credentials, encrypted.
public struct StoredIntegration: Sendable, Hashable {
    /// The integration (id, tenant URL, login, status, settings, …). Never holds a password.
    public var integration: Integration
    /// The RECRU credentials, sealed with AES-GCM under the server's credential key.
    public var encryptedCredentials: [UInt8]

    /// Creates a stored integration.
    public init(integration: Integration, encryptedCredentials: [UInt8]) {
        self.integration = integration
        self.encryptedCredentials = encryptedCredentials
    }
}
