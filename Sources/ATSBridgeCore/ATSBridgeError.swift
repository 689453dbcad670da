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
    /// Maps a decoding error of untrusted input to `PLATFORM.INPUT_INVALID`.
    public init(decoding error: ProtoCodecError) {
        self.init(.inputInvalid, error.description, cause: error)
    }
}
