import Foundation

/// Matches ids read back from the store to their positions among sorted ids.
struct IDWalk {
    private let ids: [String]
    private var next = 0
    private var positions: [String: Int]?

    init(ids: [String]) {
        self.ids = ids
    }

    /// The position of id `bytes`, nil if it is not among the ids.
    mutating func position(of bytes: UnsafeRawBufferPointer) -> Int? {
        while self.next < self.ids.count {
            let order = Self.compare(self.ids[self.next], bytes)
            if order > 0 { break }
            self.next += 1
            if order == 0 { return self.next - 1 }
        }
        if self.positions == nil {
            self.positions = Dictionary(self.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { $1 })
        }
        return self.positions?[String(decoding: bytes, as: UTF8.self)]
    }

    /// The order of a string's UTF-8 bytes and `bytes`: negative, zero or positive.
    private static func compare(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Int {
        var text = text
        return text.withUTF8 { utf8 in
            let common = min(utf8.count, bytes.count)
            if common > 0, let base = bytes.baseAddress {
                let order = memcmp(utf8.baseAddress!, base, common)
                if order != 0 { return Int(order) }
            }
            return utf8.count - bytes.count
        }
    }
}
