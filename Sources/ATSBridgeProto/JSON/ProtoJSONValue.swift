/// A parsed JSON value, the input of ``JSONReadable``.
///
/// Decode one from JSON text with any `Decoder` (Foundation's `JSONDecoder` in the CLI).
/// Integers are kept exact; a number with a fraction or an exponent is a `double`.
public enum ProtoJSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without a fraction that fits `Int64`.
    case integer(Int64)
    /// A number without a fraction above `Int64.max` that fits `UInt64`.
    case unsigned(UInt64)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([ProtoJSONValue])
    /// An object.
    case object([String: ProtoJSONValue])

    /// A short name of the value's kind, for error messages (never the value itself).
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .unsigned, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as compact JSON text (object keys sorted, so the output is stable).
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        self.append(to: &out)
        return out
    }

    private func append(to out: inout [UInt8]) {
        switch self {
        case .null:
            out += Array("null".utf8)
        case .bool(let value):
            out += Array((value ? "true" : "false").utf8)
        case .integer(let value):
            out += Array(String(value).utf8)
        case .unsigned(let value):
            out += Array(String(value).utf8)
        case .double(let value):
            var writer = ProtoJSONWriter()
            writer.value(value)
            out += writer.bytes
        case .string(let value):
            var writer = ProtoJSONWriter()
            writer.value(value)
            out += writer.bytes
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.append(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                ProtoJSONValue.string(key).append(to: &out)
                out.append(UInt8(ascii: ":"))
                fields[key, default: .null].append(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

extension ProtoJSONValue: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: Key.self) {
            var fields: [String: ProtoJSONValue] = [:]
            for key in container.allKeys {
                fields[key.stringValue] = try container.decode(ProtoJSONValue.self, forKey: key)
            }
            self = .object(fields)
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var values: [ProtoJSONValue] = []
            if let count = container.count { values.reserveCapacity(count) }
            while !container.isAtEnd {
                values.append(try container.decode(ProtoJSONValue.self))
            }
            self = .array(values)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }
}
