private import Foundation

extension RecordRow {
    /// The order of a text's UTF-8 bytes and `bytes`, as SQLite's `BINARY` collation (the
    /// stores' keys) orders them: negative, zero or positive.
    ///
    /// Zero means the same bytes. `String`'s `==` would also call canonically equivalent texts
    /// equal, which a store's key does not.
    public static func byteOrder(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Int {
        if let order = text.utf8.withContiguousStorageIfAvailable({ Self.byteOrder(UnsafeRawBufferPointer($0), bytes) })
        {
            return order
        }
        return Array(text.utf8).withUnsafeBytes { Self.byteOrder($0, bytes) }
    }

    /// The order of two texts' UTF-8 bytes; see ``byteOrder(_:_:)-(String,UnsafeRawBufferPointer)``.
    ///
    /// Inlinable and byte by byte: sorts call it thousands of times per batch, and ids differ
    /// within their first bytes. A call that is not inlined would retain both texts.
    @inlinable
    public static func byteOrder(_ left: String, _ right: String) -> Int {
        var leftBytes = left.utf8.makeIterator()
        var rightBytes = right.utf8.makeIterator()
        while true {
            switch (leftBytes.next(), rightBytes.next()) {
            case (let l?, let r?) where l != r: return l < r ? -1 : 1
            case (.some, .some): continue
            case (.none, .none): return 0
            case (.none, .some): return -1
            case (.some, .none): return 1
            }
        }
    }

    private static func byteOrder(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
        let common = min(left.count, right.count)
        if common > 0 {
            let order = memcmp(left.baseAddress!, right.baseAddress!, common)
            if order != 0 { return Int(order) }
        }
        return left.count - right.count
    }
}
