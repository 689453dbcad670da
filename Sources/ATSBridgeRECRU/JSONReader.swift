import Foundation

/// Reads RECRU's JSON: parses it into Foundation-style values (`[String: Any]`, `[Any]`,
/// `String`, `Int`, `Double`, `Bool`, `NSNull`) made of native Swift values, and finds a list
/// page's items as byte ranges without parsing them (``ListPage``).
///
/// Foundation's `JSONSerialization` on Linux builds `NSNumber`s and bridged containers and was
/// a large share of a sync's profile. Input is untrusted: nesting is bounded, strings must be
/// terminated and free of raw control characters, and anything malformed throws.
package enum JSONReader {
    /// The input is not the JSON expected.
    package struct Malformed: Error, Sendable {
        /// Where reading stopped, as a byte offset.
        package var offset: Int
    }

    /// A JSON-RPC response: the byte range of its `result`, or its `error` object parsed.
    package enum Envelope {
        /// A success; the result's bytes are `body[range]`.
        case result(Range<Int>)
        /// A JSON-RPC error object.
        case error([String: Any])
    }

    /// A list result (`{"items": […], "total": n, …}`) with its items unparsed.
    package struct ListPage: Sendable {
        /// One item: its bytes in the body, and its `id` as text when it is a string or number.
        package struct Item: Sendable {
            /// The item's bytes in the body.
            package var range: Range<Int>
            /// The item's `id`, when it has one (numbers as written).
            package var id: String?
        }

        /// The items, in order.
        package var items: [Item]
        /// The `total` the page reports.
        package var total: Int
    }

    /// Deepest nesting accepted: RECRU's records are shallow, a hostile body must not exhaust
    /// the stack.
    static let maxDepth = 64

    /// Parses a whole JSON text.
    package static func parse(_ bytes: [UInt8]) throws -> Any {
        try self.parse(bytes, 0..<bytes.count)
    }

    /// Parses the JSON value at `range` of `bytes`.
    package static func parse(_ bytes: [UInt8], _ range: Range<Int>) throws -> Any {
        try bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(buffer, range)
            let value = try cursor.value(depth: 0)
            try cursor.end()
            return value
        }
    }

    /// The keys of the JSON object `bytes` holds, in order, duplicates included (where
    /// ``parse(_:)`` and Foundation keep one value per key): what a config file's check for a
    /// key set twice needs.
    ///
    /// - Throws: ``Malformed`` when `bytes` is not one JSON object.
    package static func objectKeys(_ bytes: [UInt8]) throws -> [String] {
        try bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(buffer, 0..<bytes.count)
            var keys: [String] = []
            try cursor.members { key, value in
                keys.append(key)
                try value.skip(depth: 1)
            }
            try cursor.end()
            return keys
        }
    }

    /// Splits a JSON-RPC response into its result's range or its parsed error.
    package static func envelope(_ bytes: [UInt8]) throws -> Envelope {
        try bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(buffer, 0..<buffer.count)
            var result: Range<Int>?
            var error: [String: Any]?
            try cursor.memberKeys { key, cursor in
                if try cursor.key(key, is: "result") {
                    cursor.skipSpace()
                    let start = cursor.position
                    try cursor.skip(depth: 1)
                    result = start..<cursor.position
                } else if try cursor.key(key, is: "error") {
                    // `"error": null` beside a result is no error.
                    error = try cursor.value(depth: 1) as? [String: Any]
                } else {
                    try cursor.skip(depth: 1)
                }
            }
            try cursor.end()
            if let error { return .error(error) }
            guard let result else { throw Malformed(offset: cursor.position) }
            return .result(result)
        }
    }

    /// Finds the items of a list result at `range` of `bytes`, each with its id, without
    /// parsing them (they are checked to be well-formed).
    package static func listPage(_ bytes: [UInt8], _ range: Range<Int>) throws -> ListPage {
        try bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(buffer, range)
            var items: [ListPage.Item]?
            var total: Int?
            try cursor.memberKeys { key, cursor in
                if try cursor.key(key, is: "items") {
                    items = try cursor.items()
                } else if try cursor.key(key, is: "total") {
                    total = try cursor.value(depth: 1) as? Int
                } else {
                    try cursor.skip(depth: 1)
                }
            }
            try cursor.end()
            guard let items, let total else { throw Malformed(offset: cursor.position) }
            return ListPage(items: items, total: total)
        }
    }
}

/// A position in a JSON text; every step validates what it passes.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let limit: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.limit = range.upperBound
    }

    private var malformed: JSONReader.Malformed { JSONReader.Malformed(offset: self.position) }

    mutating func skipSpace() {
        while self.position < self.limit {
            switch self.bytes[self.position] {
            case 0x20, 0x09, 0x0A, 0x0D: self.position += 1
            default: return
            }
        }
    }

    /// Only whitespace is left.
    mutating func end() throws {
        self.skipSpace()
        guard self.position == self.limit else { throw self.malformed }
    }

    private mutating func peek() throws -> UInt8 {
        self.skipSpace()
        guard self.position < self.limit else { throw self.malformed }
        return self.bytes[self.position]
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try self.peek() == byte else { throw self.malformed }
        self.position += 1
    }

    /// A member's key as it is written: its bytes between the quotes, and whether they hold
    /// escapes.
    struct Key {
        var range: Range<Int>
        var escaped: Bool
    }

    /// Calls `body` for each member of an object, with its key made a string and the cursor at
    /// the member's value; `body` must consume the value.
    mutating func members(
        _ body: (String, inout Cursor) throws -> Void
    ) throws {
        try self.memberKeys { key, cursor in try body(try cursor.text(key), &cursor) }
    }

    /// Calls `body` for each member of an object, with its key unread (passing over a record's
    /// members made a string of every key) and the cursor at the member's value; `body` must
    /// consume the value. An escaped key is checked as ``string()`` checks it.
    mutating func memberKeys(
        _ body: (Key, inout Cursor) throws -> Void
    ) throws {
        try self.expect(UInt8(ascii: "{"))
        if try self.peek() == UInt8(ascii: "}") {
            self.position += 1
            return
        }
        while true {
            guard try self.peek() == UInt8(ascii: "\"") else { throw self.malformed }
            let start = self.position + 1
            let escaped = try self.stringEnd()
            let key = Key(range: start..<(self.position - 1), escaped: escaped)
            if escaped { _ = try self.unescape(key.range) }
            try self.expect(UInt8(ascii: ":"))
            try body(key, &self)
            let next = try self.peek()
            self.position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw self.malformed }
        }
    }

    /// The key as a string.
    func text(_ key: Key) throws -> String {
        if key.escaped { return try self.unescape(key.range) }
        return String(decoding: UnsafeBufferPointer(rebasing: self.bytes[key.range]), as: UTF8.self)
    }

    /// Whether the key is `word` (an escaped key is compared once unescaped).
    func key(_ key: Key, is word: StaticString) throws -> Bool {
        if key.escaped { return try self.text(key) == word.description }
        let count = word.utf8CodeUnitCount
        guard key.range.count == count else { return false }
        let text = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for index in 0..<count where self.bytes[key.range.lowerBound + index] != text[index] { return false }
        return true
    }

    /// An array of items: each one's range and `id`.
    mutating func items() throws -> [JSONReader.ListPage.Item] {
        var items: [JSONReader.ListPage.Item] = []
        try self.expect(UInt8(ascii: "["))
        if try self.peek() == UInt8(ascii: "]") {
            self.position += 1
            return items
        }
        while true {
            self.skipSpace()
            let start = self.position
            var id: String?
            if try self.peek() == UInt8(ascii: "{") {
                try self.memberKeys { key, cursor in
                    guard try cursor.key(key, is: "id") else { return try cursor.skip(depth: 3) }
                    switch try cursor.value(depth: 3) {
                    case let text as String: id = text
                    case let number as Int: id = String(number)
                    default: id = nil
                    }
                }
            } else {
                try self.skip(depth: 2)
            }
            items.append(JSONReader.ListPage.Item(range: start..<self.position, id: id))
            let next = try self.peek()
            self.position += 1
            if next == UInt8(ascii: "]") { return items }
            guard next == UInt8(ascii: ",") else { throw self.malformed }
        }
    }

    /// Passes over one value, checking that it is well-formed.
    mutating func skip(depth: Int) throws {
        guard depth <= JSONReader.maxDepth else { throw self.malformed }
        switch try self.peek() {
        case UInt8(ascii: "{"):
            try self.memberKeys { _, cursor in try cursor.skip(depth: depth + 1) }
        case UInt8(ascii: "["):
            self.position += 1
            if try self.peek() == UInt8(ascii: "]") {
                self.position += 1
                return
            }
            while true {
                try self.skip(depth: depth + 1)
                let next = try self.peek()
                self.position += 1
                if next == UInt8(ascii: "]") { return }
                guard next == UInt8(ascii: ",") else { throw self.malformed }
            }
        case UInt8(ascii: "\""):
            _ = try self.stringEnd()
        default:
            _ = try self.scalar()
        }
    }

    /// Parses one value.
    mutating func value(depth: Int) throws -> Any {
        guard depth <= JSONReader.maxDepth else { throw self.malformed }
        switch try self.peek() {
        case UInt8(ascii: "{"):
            var object: [String: Any] = [:]
            try self.members { key, cursor in
                object[key] = try cursor.value(depth: depth + 1)
            }
            return object
        case UInt8(ascii: "["):
            self.position += 1
            var array: [Any] = []
            if try self.peek() == UInt8(ascii: "]") {
                self.position += 1
                return array
            }
            while true {
                array.append(try self.value(depth: depth + 1))
                let next = try self.peek()
                self.position += 1
                if next == UInt8(ascii: "]") { return array }
                guard next == UInt8(ascii: ",") else { throw self.malformed }
            }
        case UInt8(ascii: "\""):
            return try self.string()
        default:
            return try self.scalar()
        }
    }

    /// A literal or a number.
    private mutating func scalar() throws -> Any {
        if self.literal("true") { return true }
        if self.literal("false") { return false }
        if self.literal("null") { return NSNull() }
        return try self.number()
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard self.limit - self.position >= count else { return false }
        let text = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for index in 0..<count where self.bytes[self.position + index] != text[index] { return false }
        self.position += count
        return true
    }

    /// `-?digits(.digits)?([eE][+-]?digits)?`: an `Int` when integral and in range, else a
    /// `Double`.
    private mutating func number() throws -> Any {
        let start = self.position
        var integral = true
        if self.position < self.limit, self.bytes[self.position] == UInt8(ascii: "-") { self.position += 1 }
        guard self.digits() > 0 else { throw self.malformed }
        if self.position < self.limit, self.bytes[self.position] == UInt8(ascii: ".") {
            self.position += 1
            integral = false
            guard self.digits() > 0 else { throw self.malformed }
        }
        if self.position < self.limit, self.bytes[self.position] | 0x20 == UInt8(ascii: "e") {
            self.position += 1
            integral = false
            if self.position < self.limit,
                self.bytes[self.position] == UInt8(ascii: "+") || self.bytes[self.position] == UInt8(ascii: "-")
            {
                self.position += 1
            }
            guard self.digits() > 0 else { throw self.malformed }
        }
        if integral, self.position - start <= 18 {
            // Fits in an Int: no text to build.
            var index = start
            let negative = self.bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            var int = 0
            while index < self.position {
                int = int * 10 + Int(self.bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            return negative ? -int : int
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.position]), as: UTF8.self)
        if integral, let int = Int(text) { return int }
        guard let double = Double(text) else { throw self.malformed }
        return double
    }

    private mutating func digits() -> Int {
        let start = self.position
        while self.position < self.limit, self.bytes[self.position] &- UInt8(ascii: "0") < 10 { self.position += 1 }
        return self.position - start
    }

    /// Passes over a string starting at the cursor's quote; returns whether it has escapes.
    private mutating func stringEnd() throws -> Bool {
        self.position += 1
        var escaped = false
        while self.position < self.limit {
            let byte = self.bytes[self.position]
            if byte == UInt8(ascii: "\"") {
                self.position += 1
                return escaped
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                self.position += 2
                continue
            }
            guard byte >= 0x20 else { throw self.malformed }
            self.position += 1
        }
        throw self.malformed
    }

    /// Parses a string starting at the cursor's quote.
    mutating func string() throws -> String {
        let start = self.position + 1
        let escaped = try self.stringEnd()
        if escaped { return try self.unescape(start..<(self.position - 1)) }
        return String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<(self.position - 1)]), as: UTF8.self)
    }

    private func unescape(_ range: Range<Int>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = self.bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard index < range.upperBound else { throw JSONReader.Malformed(offset: index) }
            let escape = self.bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try self.hex4(&index, range)
                if scalar & 0xFC00 == 0xD800, index + 1 < range.upperBound, self.bytes[index] == UInt8(ascii: "\\"),
                    self.bytes[index + 1] == UInt8(ascii: "u")
                {
                    var next = index + 2
                    let low = try self.hex4(&next, range)
                    if low & 0xFC00 == 0xDC00 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index = next
                    }
                }
                // A lone surrogate becomes U+FFFD, as Foundation's reader does.
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(character).utf8))
            default:
                throw JSONReader.Malformed(offset: index)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func hex4(_ index: inout Int, _ range: Range<Int>) throws -> UInt32 {
        guard range.upperBound - index >= 4 else { throw JSONReader.Malformed(offset: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONReader.Malformed(offset: index)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
