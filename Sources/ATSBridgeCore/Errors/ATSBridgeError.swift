public import ATSBridgeProto

/// The one error type of ATSBridge: a gRPC status, a dotted error code in the unified API's
/// style, a human message and an optional cause.
///
/// Messages never contain candidate personal data or credentials; they name fields and ids.
public struct ATSBridgeError: Error, Sendable, CustomStringConvertible {
    /// A dotted error code, such as `ATS.JOB_CLOSED`, with the gRPC status it travels with.
    /// New codes are added as static members, so adding one is not a breaking change.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The dotted code, such as `PLATFORM.INPUT_INVALID`.
        public let dotted: String
        /// The gRPC status code the error is sent with.
        public let status: StatusCode

        /// Creates a code. Prefer the static members.
        public init(_ dotted: String, status: StatusCode) {
            self.dotted = dotted
            self.status = status
        }

        /// The input is invalid; the message names the field.
        public static let inputInvalid = Self("PLATFORM.INPUT_INVALID", status: .invalidArgument)
        /// An internal error of ATSBridge.
        public static let internalError = Self("PLATFORM.INTERNAL_ERROR", status: .internal)
        /// The record does not exist.
        public static let notFound = Self("PLATFORM.NOT_FOUND", status: .notFound)
        /// Something with that name exists already (an API key).
        public static let alreadyExists = Self("PLATFORM.ALREADY_EXISTS", status: .alreadyExists)
        /// The API key is missing or unknown.
        public static let authenticationInvalid = Self("PLATFORM.AUTHENTICATION_INVALID", status: .unauthenticated)
        /// The API key may not do this, or not for this integration.
        public static let permissionDenied = Self("PLATFORM.PERMISSION_DENIED", status: .permissionDenied)
        /// A unary or server-streaming call received more than one request message.
        public static let cardinalityViolation = Self("PLATFORM.CARDINALITY_VIOLATION", status: .invalidArgument)
        /// The method does not exist.
        public static let unimplemented = Self("PLATFORM.UNIMPLEMENTED", status: .unimplemented)
        /// A limit was hit: too many calls, a message too large.
        public static let resourceExhausted = Self("PLATFORM.RESOURCE_EXHAUSTED", status: .resourceExhausted)
        /// A per-key request rate limit was hit; retry later.
        public static let rateLimitExceeded = Self("PLATFORM.RATE_LIMIT_EXCEEDED", status: .resourceExhausted)
        /// The server is shutting down or unreachable.
        public static let unavailable = Self("PLATFORM.UNAVAILABLE", status: .unavailable)
        /// TLS with the server failed: its certificate is not trusted or not for this host, or
        /// it refused the client's certificate (or the lack of one).
        public static let tlsHandshakeFailed = Self("PLATFORM.TLS_HANDSHAKE_FAILED", status: .unavailable)
        /// An attachment's `data_url` may not be fetched: not https, an internal address (also
        /// after DNS or a redirect), or too many redirects.
        public static let attachmentURLRefused = Self("PLATFORM.ATTACHMENT_URL_REFUSED", status: .invalidArgument)
        /// An attachment's `data_url` could not be downloaded: unreachable, not HTTP 200, or too
        /// slow. The message never repeats what the remote answered.
        public static let attachmentDownloadFailed = Self(
            "PLATFORM.ATTACHMENT_DOWNLOAD_FAILED",
            status: .failedPrecondition
        )
        /// Files holding personal data or keys are open to other users, and strict file modes
        /// were asked for.
        public static let filePermissionsUnsafe = Self("PLATFORM.FILE_PERMISSIONS_UNSAFE", status: .failedPrecondition)
        /// The call's deadline passed.
        public static let deadlineExceeded = Self("PLATFORM.DEADLINE_EXCEEDED", status: .deadlineExceeded)
        /// The call was cancelled.
        public static let cancelled = Self("PLATFORM.CANCELLED", status: .cancelled)
        /// The store cannot be opened or written: read-only, full, or missing.
        public static let storeUnavailable = Self("PLATFORM.STORE_UNAVAILABLE", status: .unavailable)
        /// RECRU kept rate-limiting after retries.
        public static let remoteRateLimited = Self("REMOTE.RATE_LIMIT_EXCEEDED", status: .resourceExhausted)
        /// RECRU is down or unreachable after retries.
        public static let remoteUnavailable = Self("REMOTE.SERVICE_UNAVAILABLE", status: .unavailable)
        /// RECRU rejected the input of a write.
        public static let remoteInputInvalid = Self("REMOTE.INPUT_INVALID", status: .invalidArgument)
        /// RECRU answered in a way ATSBridge does not understand.
        public static let remoteUnknown = Self("REMOTE.UNKNOWN_HTTP_ERROR", status: .unknown)
        /// The integration's RECRU credentials are invalid.
        public static let integrationAuthenticationInvalid = Self(
            "INTEGRATION.AUTHENTICATION_INVALID",
            status: .failedPrecondition
        )
        /// The integration's first sync has not finished; its data cannot be read yet.
        public static let integrationSetupSyncPending = Self(
            "INTEGRATION.SETUP_SYNC_PENDING",
            status: .failedPrecondition
        )
        /// The integration is paused or its credentials were marked invalid.
        public static let integrationInactive = Self("INTEGRATION.INACTIVE", status: .failedPrecondition)
        /// Stored credentials cannot be decrypted: the credential key is not the one they were
        /// sealed with.
        public static let credentialKeyInvalid = Self("PLATFORM.CREDENTIAL_KEY_INVALID", status: .failedPrecondition)
        /// The job does not accept applications (closed, draft or archived in RECRU).
        public static let atsJobClosed = Self("ATS.JOB_CLOSED", status: .failedPrecondition)
        /// The candidate already applied to the job.
        public static let atsApplicationAlreadyExists = Self("ATS.APPLICATION_ALREADY_EXISTS", status: .alreadyExists)
        /// The store's file is not a database, or is damaged.
        public static let storeCorrupt = Self("PLATFORM.STORE_CORRUPT", status: .dataLoss)
        /// The server is shutting down: long-lived streams end at once with this code.
        public static let serverShuttingDown = Self("PLATFORM.SERVER_SHUTTING_DOWN", status: .unavailable)
        /// The address answers, but not with the ATSBridge protocol (another service's port).
        public static let notATSBridgeServer = Self("PLATFORM.NOT_ATSBRIDGE_SERVER", status: .unavailable)

        /// The dotted code.
        public var description: String { self.dotted }
    }

    /// The dotted code and status.
    public var code: Code
    /// A human message without personal data.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `<dotted code>: <message>`.
    public var description: String { "\(self.code.dotted): \(self.message)" }
}

extension ATSBridgeError {
    /// The final status a call that failed with this error ends with.
    public var status: Status {
        Status(code: self.code.status, errorCode: self.code.dotted, message: self.message)
    }

    /// Recreates an error from a call's final status, as a client receives it.
    public init(status: Status) {
        self.init(Code(status.errorCode ?? "", status: status.code), status.message ?? "")
    }

    /// Maps a decoding error of untrusted input to `PLATFORM.INPUT_INVALID`.
    public init(decoding error: ProtoCodecError) {
        self.init(.inputInvalid, error.description, cause: error)
    }
}
