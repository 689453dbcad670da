import Foundation

/// The keys of a JSON object's top level, in file order, duplicates included: Foundation's
/// parser keeps the last of two equal keys silently, and a config file that sets one twice is
/// more likely a mistake than an override.
enum ConfigFileKeys {
    /// The top-level keys of `bytes`, a JSON object that Foundation has already parsed (so it
    /// is valid JSON); each key decoded, so `"a"` and `"\u0061"` are the same key.
    static func topLevel(_ bytes: [UInt8]) -> [String] {
        var keys: [String] = []
        var depth = 0
        var index = 0
        // A string at depth 1 right after `{` or `,` is a key.
        var expectingKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if expectingKey, index < bytes.count, let key = Self.decode(bytes[start...index]) {
                    keys.append(key)
                }
                expectingKey = false
            default:
                break
            }
            index += 1
        }
        return keys
    }

    /// The keys of `keys` that occur more than once, each once, in file order.
    static func duplicates(_ keys: [String]) -> [String] {
        var seen: Set<String> = []
        var repeated: [String] = []
        for key in keys where !seen.insert(key).inserted && !repeated.contains(key) { repeated.append(key) }
        return repeated
    }

    private static func decode(_ quoted: ArraySlice<UInt8>) -> String? {
        try? JSONSerialization.jsonObject(with: Data(quoted), options: .fragmentsAllowed) as? String
    }
}
