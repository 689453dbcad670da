import ATSBridgeCore
import Foundation

/// The `params` of a JSON-RPC call, with typed accessors that name the field on bad input.
struct RPCParams {
    let values: [String: Any]
    let prefix: String

    init(_ values: [String: Any], prefix: String = "") {
        self.values = values
        self.prefix = prefix
    }

    private func name(_ key: String) -> String { self.prefix + key }

    func has(_ key: String) -> Bool { self.values[key] != nil && !(self.values[key] is NSNull) }

    func int(_ key: String) throws -> Int? {
        guard self.has(key) else { return nil }
        guard let value = Self.integer(self.values[key]!) else {
            throw JSONRPCError.invalidParams(self.name(key), "must be an integer")
        }
        return value
    }

    func requiredInt(_ key: String) throws -> Int {
        guard let value = try self.int(key) else { throw JSONRPCError.invalidParams(self.name(key), "is required") }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard self.has(key) else { return nil }
        guard let value = self.values[key] as? String else {
            throw JSONRPCError.invalidParams(self.name(key), "must be a string")
        }
        return value
    }

    func requiredString(_ key: String) throws -> String {
        // `allSatisfy` stops at the first other character: cheap even for a 10 MB base64 string.
        guard let value = try self.string(key), !value.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else {
            throw JSONRPCError.invalidParams(self.name(key), "is required")
        }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        guard self.has(key) else { return nil }
        guard let value = Self.boolean(self.values[key]!) else {
            throw JSONRPCError.invalidParams(self.name(key), "must be a boolean")
        }
        return value
    }

    func object(_ key: String) throws -> RPCParams? {
        guard self.has(key) else { return nil }
        guard let value = self.values[key] as? [String: Any] else {
            throw JSONRPCError.invalidParams(self.name(key), "must be an object")
        }
        return RPCParams(value, prefix: self.name(key) + ".")
    }

    func array(_ key: String) throws -> [Any]? {
        guard self.has(key) else { return nil }
        guard let value = self.values[key] as? [Any] else {
            throw JSONRPCError.invalidParams(self.name(key), "must be an array")
        }
        return value
    }

    func intArray(_ key: String) throws -> [Int]? {
        guard let array = try self.array(key) else { return nil }
        return try array.enumerated().map { index, element in
            guard let value = Self.integer(element) else {
                throw JSONRPCError.invalidParams("\(self.name(key))[\(index)]", "must be an integer")
            }
            return value
        }
    }

    /// A JSON number (not a boolean).
    func double(_ key: String) throws -> Double? {
        guard self.has(key) else { return nil }
        guard let number = self.values[key] as? NSNumber, String(cString: number.objCType) != "c",
            number.doubleValue.isFinite
        else {
            throw JSONRPCError.invalidParams(self.name(key), "must be a number")
        }
        return number.doubleValue
    }

    /// An array of objects, each with its own field names (`key[0].field`).
    func objects(_ key: String) throws -> [RPCParams]? {
        guard let array = try self.array(key) else { return nil }
        return try array.enumerated().map { index, element in
            guard let object = element as? [String: Any] else {
                throw JSONRPCError.invalidParams("\(self.name(key))[\(index)]", "must be an object")
            }
            return RPCParams(object, prefix: "\(self.name(key))[\(index)].")
        }
    }

    /// An array of strings.
    func stringArray(_ key: String) throws -> [String]? {
        guard let array = try self.array(key) else { return nil }
        return try array.enumerated().map { index, element in
            guard let value = element as? String else {
                throw JSONRPCError.invalidParams("\(self.name(key))[\(index)]", "must be a string")
            }
            return value
        }
    }

    /// A date field, an RFC 3339 time or a date alone, as ms since epoch.
    func date(_ key: String) throws -> Int64? {
        guard let text = try self.string(key) else { return nil }
        guard let value = ISODates.parse(text) else {
            throw JSONRPCError.invalidParams(self.name(key), "must be \(ISODates.acceptedFormat)")
        }
        return value
    }

    /// A JSON integer; booleans (which Foundation boxes as numbers too) are not integers.
    static func integer(_ value: Any) -> Int? {
        if let number = value as? NSNumber {
            guard String(cString: number.objCType) != "c" else { return nil }
            return Int(exactly: number.doubleValue)
        }
        return nil
    }

    /// A JSON boolean.
    static func boolean(_ value: Any) -> Bool? {
        if let number = value as? NSNumber {
            return String(cString: number.objCType) == "c" ? number.boolValue : nil
        }
        return value as? Bool
    }

    /// `page` (from 1) and `limit` (1 to `maxLimit`).
    func paging(defaultLimit: Int, maxLimit: Int) throws -> (page: Int, limit: Int) {
        let page = try self.int("page") ?? 1
        let limit = try self.int("limit") ?? defaultLimit
        guard page >= 1 else { throw JSONRPCError.invalidParams(self.name("page"), "must be 1 or more") }
        guard (1...maxLimit).contains(limit) else {
            throw JSONRPCError.invalidParams(self.name("limit"), "must be from 1 to \(maxLimit)")
        }
        // Far past any list's end, and its first row's offset must not overflow.
        guard page <= Int.max / limit else {
            throw JSONRPCError.invalidParams(self.name("page"), "must be at most \(Int.max / limit)")
        }
        return (page, limit)
    }
}
