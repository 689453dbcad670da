import ATSBridgeCore
public import ATSBridgeRECRU
public import Logging

/// Checks RECRU credentials before an integration is stored.
public protocol CredentialValidator: Sendable {
    /// Throws the RECRU error when the credentials do not work.
    func validate(tenantURL: String, login: String, password: String) async throws
}

/// Logs in to RECRU and lists one user: the credentials work and the API user may read.
public struct RECRULoginValidator: CredentialValidator {
    private let tuning: RECRUClientTuning
    private let logger: Logger

    /// Creates a validator with the RECRU client's tuning (timeouts, retries).
    public init(tuning: RECRUClientTuning, logger: Logger) {
        self.tuning = tuning
        self.logger = logger
    }

    /// Logs in and makes one read.
    public func validate(tenantURL: String, login: String, password: String) async throws {
        var tuning = self.tuning
        // A person is waiting for the answer: fail fast rather than retry for a minute.
        tuning.retry.maxAttempts = min(tuning.retry.maxAttempts, 3)
        tuning.requestTimeout = min(tuning.requestTimeout, .seconds(15))
        let client = RECRUClient(
            configuration: RECRUClientConfiguration(
                baseURL: tenantURL,
                login: login,
                password: password,
                tuning: tuning
            ),
            logger: self.logger
        )
        _ = try await client.call("UserService.getList", ["page": 1, "limit": 1])
    }
}
