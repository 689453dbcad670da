/// An error encoding or decoding a protobuf message.
///
/// Messages name the message type and field, never field contents, so they are safe to log:
/// candidate data never appears in them.
public struct ProtoCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case tooLarge = "too large"
            case allocationBudgetExceeded = "allocation budget exceeded"
            case malformed = "malformed"
            case missingRequiredField = "missing required field"
            case invalidUTF8 = "invalid UTF-8"
            case unencodable = "unencodable"
            case invalidJSON = "invalid JSON"
            case embeddedNUL = "string holds NUL"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The input is larger than ``DecodingLimits/maxBytes``.
        public static let tooLarge = Self(.tooLarge)
        /// Decoding would allocate more than the budget of ``DecodingLimits``.
        public static let allocationBudgetExceeded = Self(.allocationBudgetExceeded)
        /// The bytes are not a valid encoding of the message: truncated, a bad wire type, or
        /// a malformed nested message.
        public static let malformed = Self(.malformed)
        /// A `required` field is absent.
        public static let missingRequiredField = Self(.missingRequiredField)
        /// A string field is not valid UTF-8.
        public static let invalidUTF8 = Self(.invalidUTF8)
        /// The value cannot be encoded, e.g. a string holds a NUL character.
        public static let unencodable = Self(.unencodable)
        /// JSON input does not match the message's schema (``JSONReadable``).
        public static let invalidJSON = Self(.invalidJSON)
        /// A decoded string field holds a NUL character, which the C codec cannot represent;
        /// the input is refused rather than the string cut short.
        public static let embeddedNUL = Self(.embeddedNUL)

        /// A short human name of the code.
        public var description: String { self.value.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human message naming the message type and field, never field contents.
    public var message: String
    /// The full protobuf name of the message being encoded or decoded.
    public var messageType: String
    /// The field concerned, when known.
    public var field: String?

    /// Creates an error.
    public init(code: Code, message: String, messageType: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.messageType = messageType
        self.field = field
    }

    /// `<type>: <message>`.
    public var description: String { "\(self.messageType): \(self.message)" }

    static func missingField(_ field: String, in type: String) -> Self {
        Self(
            code: .missingRequiredField,
            message: "required field '\(field)' is missing",
            messageType: type,
            field: field
        )
    }
}
