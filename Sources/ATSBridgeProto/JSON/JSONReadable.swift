/// A message that reads itself from JSON in the unified API's shape, the inverse of
/// ``JSONWritable``: snake_case field names, `null` or a missing key for absent fields, enums by
/// their unified name (or wire number), `*_at` times as ISO-8601 (or milliseconds since the
/// epoch), `remote_data` as any JSON object or array, other bytes as base64.
///
/// Unknown keys are rejected, so a misspelt field is an error rather than silently ignored.
public protocol JSONReadable {
    /// Reads the message from a parsed JSON value.
    ///
    /// - Throws: ``ProtoCodecError`` with code ``ProtoCodecError/Code/invalidJSON``, naming the
    ///   message type and the field (never the value).
    init(json: ProtoJSONValue) throws
}

/// The fields of one JSON object being read into a message (used by the generated readers).
public struct ProtoJSONObject {
    private let fields: [String: ProtoJSONValue]
    private let type: String

    /// Checks that `json` is an object whose keys are all among `fieldNames`.
    public init(_ json: ProtoJSONValue, type: String, fieldNames: [String]) throws {
        guard case .object(let fields) = json else {
            throw ProtoCodecError.json("expected an object, found \(json.kindName)", type: type, field: nil)
        }
        let known = Set(fieldNames)
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw ProtoCodecError.json(
                "unknown field '\(unknown)'; the fields are \(fieldNames.joined(separator: ", "))",
                type: type,
                field: unknown
            )
        }
        self.fields = fields
        self.type = type
    }

    /// The field's value read by `read`, or nil when the key is missing or `null`.
    public func optional<T>(_ name: String, _ read: (ProtoJSONField) throws -> T) throws -> T? {
        guard let value = self.fields[name], value != .null else { return nil }
        return try read(ProtoJSONField(value: value, name: name, type: self.type))
    }

    /// The field's value read by `read`; a missing or `null` required field is an error.
    public func required<T>(_ name: String, _ read: (ProtoJSONField) throws -> T) throws -> T {
        guard let value = try self.optional(name, read) else {
            throw ProtoCodecError.json("required field '\(name)' is missing", type: self.type, field: name)
        }
        return value
    }

    /// The elements of a repeated field, each read by `read`; empty when missing or `null`.
    public func repeated<T>(_ name: String, _ read: (ProtoJSONField) throws -> T) throws -> [T] {
        guard let value = self.fields[name], value != .null else { return [] }
        guard case .array(let elements) = value else {
            throw ProtoCodecError.json("expected an array, found \(value.kindName)", type: self.type, field: name)
        }
        return try elements.map { try read(ProtoJSONField(value: $0, name: name, type: self.type)) }
    }
}

/// One JSON value of a field, read as the field's type.
public struct ProtoJSONField {
    /// The value.
    public let value: ProtoJSONValue
    let name: String
    let type: String

    private func mismatch(_ expected: String) -> ProtoCodecError {
        ProtoCodecError.json("expected \(expected), found \(self.value.kindName)", type: self.type, field: self.name)
    }

    /// A string.
    public func string() throws -> String {
        guard case .string(let text) = self.value else { throw self.mismatch("a string") }
        guard !text.utf8.contains(0) else {
            throw ProtoCodecError.json("a string holds a NUL character", type: self.type, field: self.name)
        }
        return text
    }

    /// A boolean.
    public func bool() throws -> Bool {
        guard case .bool(let value) = self.value else { throw self.mismatch("true or false") }
        return value
    }

    /// An integer of the field's width; a string of digits is accepted too (int64 in JSON).
    public func integer<I: FixedWidthInteger>() throws -> I {
        let converted: I?
        switch self.value {
        case .integer(let value): converted = I(exactly: value)
        case .unsigned(let value): converted = I(exactly: value)
        case .double(let value): converted = I(exactly: value)
        case .string(let text): converted = I(text)
        default: throw self.mismatch("an integer")
        }
        guard let converted else {
            throw ProtoCodecError.json("the integer is out of range for \(I.self)", type: self.type, field: self.name)
        }
        return converted
    }

    /// A floating-point number.
    public func double() throws -> Double {
        switch self.value {
        case .integer(let value): return Double(value)
        case .unsigned(let value): return Double(value)
        case .double(let value): return value
        default: throw self.mismatch("a number")
        }
    }

    /// A `float`.
    public func float() throws -> Float { Float(try self.double()) }

    /// Milliseconds since the epoch, from an ISO-8601 time or an integer.
    public func timestamp() throws -> Int64 {
        if case .string(let text) = self.value, Int64(text) == nil {
            guard let milliseconds = ISOTimestamp.parse(text) else {
                throw ProtoCodecError.json(
                    "expected an ISO-8601 time such as 2026-11-29T12:29:55.197Z or milliseconds",
                    type: self.type,
                    field: self.name
                )
            }
            return milliseconds
        }
        return try self.integer()
    }

    /// Bytes from base64.
    public func bytes() throws -> [UInt8] {
        guard let data = Base64.decode(try self.string()) else {
            throw ProtoCodecError.json("expected base64", type: self.type, field: self.name)
        }
        return data
    }

    /// A JSON object or array kept as its compact text (`remote_data`).
    public func rawJSON() throws -> [UInt8] {
        switch self.value {
        case .object, .array: return self.value.jsonBytes()
        default: throw self.mismatch("an object or an array")
        }
    }

    /// An enum value by its unified name or its wire number.
    public func enumeration<E: ProtoEnum>() throws -> E {
        switch self.value {
        case .string(let name):
            guard let value = E(name: name) else {
                throw ProtoCodecError.json(
                    "unknown value; expected one of \(E.allKnown.compactMap(\.name).joined(separator: ", "))",
                    type: self.type,
                    field: self.name
                )
            }
            return value
        case .integer:
            return E(rawValue: try self.integer())
        default:
            throw self.mismatch("an enum name")
        }
    }

    /// A nested message.
    public func message<M: JSONReadable>() throws -> M {
        do {
            return try M(json: self.value)
        } catch let error as ProtoCodecError where error.code == .invalidJSON {
            // Name the path from the outer message: `page.page_size`.
            let inner = error.field.map { "field '\($0)': " } ?? ""
            let message = error.message.hasPrefix(inner) ? String(error.message.dropFirst(inner.count)) : error.message
            let path = [self.name, error.field].compactMap { $0 }.joined(separator: ".")
            throw ProtoCodecError.json(message, type: self.type, field: path)
        }
    }
}

extension ProtoCodecError {
    static func json(_ message: String, type: String, field: String?) -> Self {
        Self(
            code: .invalidJSON,
            message: field.map { "field '\($0)': \(message)" } ?? message,
            messageType: type,
            field: field
        )
    }
}
