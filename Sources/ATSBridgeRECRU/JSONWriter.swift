import Foundation

/// Writes JSON from Foundation-style values (`[String: Any]`, `[Any]`, `String`, numbers,
/// `Bool`, `NSNull`) straight into bytes.
///
/// Foundation's `JSONSerialization` on Linux is slow (≈15 ms for a 200-jobseeker page, most of
/// it sorting keys through `AnyHashable`); this is a fraction of that. With `sortedKeys` the
/// output is canonical, so equal values give equal bytes (and hashes).
package enum JSONWriter {
    /// The JSON text of `value`.
    ///
    /// - Parameter sortedKeys: Write object keys in ascending order, for a canonical form. A
    ///   ``JSONFragment`` is copied as it is, its keys not sorted.
    package static func write(_ value: Any, sortedKeys: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        self.append(value, sortedKeys, to: &out)
        return out
    }

    private static let stringType = ObjectIdentifier(String.self)
    private static let objectType = ObjectIdentifier([String: Any].self)
    private static let arrayType = ObjectIdentifier([Any].self)
    private static let nullType = ObjectIdentifier(NSNull.self)
    private static let orderedType = ObjectIdentifier(JSONObject.self)
    private static let orderedArrayType = ObjectIdentifier([JSONObject].self)
    private static let fragmentType = ObjectIdentifier(JSONFragment.self)
    private static let fragmentArrayType = ObjectIdentifier([JSONFragment].self)

    private static func append(_ value: Any, _ sorted: Bool, to out: inout [UInt8]) {
        // Dispatch on the exact type first: parsed JSON holds these, and a failed `as?` (a
        // number tried as a string) costs a bridging search on Linux.
        let type = ObjectIdentifier(Swift.type(of: value))
        if type == self.stringType, let string = value as? String {
            return self.appendString(string, to: &out)
        }
        if type == self.nullType {
            return out.append(contentsOf: Array("null".utf8))
        }
        if type == self.objectType, let object = value as? [String: Any] {
            return self.appendObject(object, sorted, to: &out)
        }
        if type == self.arrayType, let array = value as? [Any] {
            return self.appendArray(array, sorted, to: &out)
        }
        if type == self.fragmentType, let fragment = value as? JSONFragment {
            return out.append(contentsOf: fragment.bytes)
        }
        if type == self.fragmentArrayType, let fragments = value as? [JSONFragment] {
            out.append(UInt8(ascii: "["))
            for (index, fragment) in fragments.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: fragment.bytes)
            }
            return out.append(UInt8(ascii: "]"))
        }
        if type == self.orderedType, let object = value as? JSONObject {
            return self.appendMembers(
                sorted ? object.members.sorted { $0.key < $1.key } : object.members,
                sorted,
                to: &out
            )
        }
        if type == self.orderedArrayType, let array = value as? [JSONObject] {
            // Not through `[Any]`: that cast boxes every element anew.
            out.append(UInt8(ascii: "["))
            for (index, object) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                self.appendMembers(
                    sorted ? object.members.sorted { $0.key < $1.key } : object.members,
                    sorted,
                    to: &out
                )
            }
            return out.append(UInt8(ascii: "]"))
        }
        // Containers and strings before numbers: casting a Swift dictionary to `NSNumber`
        // would bridge the whole dictionary to Objective-C before failing.
        switch value {
        case let string as String:
            self.appendString(string, to: &out)
        case let dictionary as [String: Any]:
            self.appendObject(dictionary, sorted, to: &out)
        case let array as [Any]:
            self.appendArray(array, sorted, to: &out)
        default:
            self.appendScalar(value, to: &out)
        }
    }

    private static func appendObject(_ dictionary: [String: Any], _ sorted: Bool, to out: inout [UInt8]) {
        // Pairs, not keys: looking each key up again would hash it twice.
        self.appendMembers(sorted ? dictionary.sorted { $0.key < $1.key } : Array(dictionary), sorted, to: &out)
    }

    private static func appendMembers(_ pairs: [(key: String, value: Any)], _ sorted: Bool, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, element) in pairs {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            self.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            self.append(element, sorted, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func appendArray(_ array: [Any], _ sorted: Bool, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, element) in array.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            self.append(element, sorted, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Numbers, booleans and null. Swift values are matched by exact type: `NSNumber(1) as?
    /// Bool` succeeds, so parsed JSON's NSNumbers go through their own type code instead.
    private static func appendScalar(_ value: Any, to out: inout [UInt8]) {
        let type = Swift.type(of: value)
        if type == Int.self, let int = value as? Int {
            out.append(contentsOf: String(int).utf8)
        } else if type == Bool.self, let bool = value as? Bool {
            out.append(contentsOf: bool ? Array("true".utf8) : Array("false".utf8))
        } else if type == Double.self, let double = value as? Double {
            self.appendDouble(double, to: &out)
        } else if type == Int64.self, let int = value as? Int64 {
            out.append(contentsOf: String(int).utf8)
        } else if let number = value as? NSNumber {
            self.appendNumber(number, to: &out)
        } else {
            out.append(contentsOf: Array("null".utf8))
        }
    }

    private static func appendNumber(_ number: NSNumber, to out: inout [UInt8]) {
        switch UInt8(bitPattern: number.objCType.pointee) {
        case UInt8(ascii: "c"), UInt8(ascii: "B"):
            out.append(contentsOf: number.boolValue ? Array("true".utf8) : Array("false".utf8))
        case UInt8(ascii: "d"), UInt8(ascii: "f"):
            self.appendDouble(number.doubleValue, to: &out)
        case UInt8(ascii: "Q"), UInt8(ascii: "L"), UInt8(ascii: "I"):
            out.append(contentsOf: Array(String(number.uint64Value).utf8))
        default:
            out.append(contentsOf: Array(String(number.int64Value).utf8))
        }
    }

    private static func appendDouble(_ double: Double, to out: inout [UInt8]) {
        guard double.isFinite else {
            out.append(contentsOf: Array("null".utf8))
            return
        }
        let text = double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : String(double)
        out.append(contentsOf: Array(text.utf8))
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            // Most strings need no escaping (a base64 CV, names): copy them whole. Scanning the
            // contiguous bytes, not the `UTF8View`, keeps this a tight loop.
            guard utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
                return out.append(contentsOf: utf8)
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                    ])
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
