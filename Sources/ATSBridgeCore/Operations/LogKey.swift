/// The log metadata keys, one stable dotted vocabulary for operators (docs/operations.md).
///
/// Log messages are constant strings; every value goes under one of these keys. No key holds
/// candidate data, credentials or tokens.
public enum LogKey {
    /// An integration's ATSBridge id.
    public static let integrationID = "integration.id"

    /// A sync run's id.
    public static let syncRun = "sync.run"
    /// A sync run's type (`FULL`, `DELTA`).
    public static let syncType = "sync.type"
    /// Records a finished sync created.
    public static let syncCreated = "sync.created"
    /// Records a finished sync updated.
    public static let syncUpdated = "sync.updated"
    /// Records a finished sync tombstoned.
    public static let syncDeleted = "sync.deleted"
    /// Remote records a finished sync skipped as unreadable.
    public static let syncSkipped = "sync.skipped"
    /// Remote sources a finished sync found unchanged and did not map again.
    public static let syncUnchanged = "sync.unchanged"
    /// Requests a sync sent to the remote ATS.
    public static let syncRequests = "sync.requests"
    /// Of those, how many the remote rate-limited (429).
    public static let syncRateLimited = "sync.rate_limited"
    /// Models whose remote lists were unstable during a sync.
    public static let syncModels = "sync.models"

    /// The description of an error (ATSBridge errors carry no personal data).
    public static let errorDescription = "error.description"
    /// The type of an arbitrary error, logged instead of its description.
    public static let errorType = "error.type"

    /// Names of API keys (never their secrets).
    public static let apiKeyNames = "api_key.names"

    /// The RPC method of a call (`/atsbridge.v1.Service/Method`).
    public static let rpcMethod = "rpc.method"
    /// The port the RPC server listens on.
    public static let rpcPort = "rpc.port"
    /// The address the RPC server listens on.
    public static let rpcHost = "rpc.host"
    /// When the server's TLS certificate stops being valid (ISO 8601).
    public static let tlsCertificateExpiry = "tls.certificate_expiry"
    /// Why a connection broke the protocol.
    public static let rpcViolation = "rpc.violation"
    /// The abuse limit that refused a connection or call.
    public static let rpcLimit = "rpc.limit"
    /// The name of the API key a call used (never the key itself); `unknown` for a key the
    /// server does not know.
    public static let rpcKey = "rpc.key"
    /// The final status of a call (`OK`, `PERMISSION_DENIED`, …).
    public static let rpcStatus = "rpc.status"
    /// The dotted error code a call failed with.
    public static let rpcErrorCode = "rpc.error_code"

    /// The remote ATS method of a retried call.
    public static let recruMethod = "recru.method"
    /// The attempt number of a retried remote call.
    public static let recruAttempt = "recru.attempt"
    /// The kind of failure that made a remote call retry.
    public static let recruFailure = "recru.failure"

    /// The methods of a sandbox call (several in a batch).
    public static let sandboxMethods = "sandbox.methods"
    /// The HTTP status of a sandbox call.
    public static let sandboxStatus = "sandbox.status"
    /// The fault injected into a sandbox call.
    public static let sandboxFault = "sandbox.fault"
    /// The response bytes of a sandbox call.
    public static let sandboxBytes = "sandbox.bytes"
    /// The port the sandbox listens on.
    public static let sandboxPort = "sandbox.port"

    /// Records whose personal data the retention pass blanked.
    public static let retentionRecordsBlanked = "retention.records_blanked"
    /// Idempotency keys the retention pass purged.
    public static let retentionKeysPurged = "retention.keys_purged"
}
