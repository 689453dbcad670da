extension RecordRow {
    /// Binary search over `count` elements in byte order: `order(i)` is the byte order of
    /// element `i` against the one sought (zero when it is that one). Returns its position, nil
    /// if it is not among them.
    public static func search(count: Int, order: (Int) -> Int) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            let found = order(middle)
            if found == 0 { return middle }
            if found < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The order of a text's UTF-8 bytes and `bytes`, as SQLite's `BINARY` collation (the
    /// stores' keys) orders them: negative, zero or positive.
    ///
    /// Zero means the same bytes. `String`'s `==` would also call canonically equivalent texts
    /// equal, which a store's key does not.
    public static func byteOrder(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Int {
        let other = bytes.assumingMemoryBound(to: UInt8.self)
        return text.utf8.withContiguousStorageIfAvailable { Self.byteOrder($0, other) }
            ?? Array(text.utf8).withUnsafeBufferPointer { Self.byteOrder($0, other) }
    }

    /// The order of two texts' UTF-8 bytes; see ``byteOrder(_:_:)-(String,UnsafeRawBufferPointer)``.
    ///
    /// Inlinable: sorts call it thousands of times per batch, and a call that is not inlined
    /// would retain both texts.
    @inlinable
    public static func byteOrder(_ left: String, _ right: String) -> Int {
        let order = left.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.utf8.withContiguousStorageIfAvailable { Self.byteOrder(leftBytes, $0) }
        }
        if let order = order ?? nil { return order }
        // Texts without contiguous UTF-8 (bridged from elsewhere): copied first.
        return Array(left.utf8).withUnsafeBufferPointer { leftBytes in
            Array(right.utf8).withUnsafeBufferPointer { Self.byteOrder(leftBytes, $0) }
        }
    }

    /// The order of two byte strings. Ids differ within their first bytes, so a plain loop
    /// beats a call to `memcmp`.
    @inlinable
    static func byteOrder(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        let common = Swift.min(left.count, right.count)
        var index = 0
        while index < common {
            let (l, r) = (left[index], right[index])
            if l != r { return l < r ? -1 : 1 }
            index += 1
        }
        return left.count == right.count ? 0 : left.count < right.count ? -1 : 1
    }

    /// The positions of `texts` in byte order; equal texts keep their order.
    ///
    /// Sorts each text's first eight bytes as one integer (ids are hashes, so those nearly
    /// always differ) and compares whole texts only on a tie: comparing the texts themselves
    /// would retain and release both at every step, a sort of 500 ids some 9,000 times.
    static func byteOrderedPositions(_ texts: [String]) -> [Int] {
        var keys: [(prefix: UInt64, position: Int)] = []
        keys.reserveCapacity(texts.count)
        for (position, text) in texts.enumerated() {
            keys.append((Self.prefix(text), position))
        }
        keys.sort { left, right in
            if left.prefix != right.prefix { return left.prefix < right.prefix }
            let order = Self.byteOrder(texts[left.position], texts[right.position])
            return order == 0 ? left.position < right.position : order < 0
        }
        return keys.map(\.position)
    }

    /// A text's first eight UTF-8 bytes as a big-endian integer, zero-padded: when two
    /// prefixes differ, they order as the texts' bytes do (zero sorts first, as a shorter text
    /// does), and equal prefixes say nothing.
    static func prefix(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes in
            var value: UInt64 = 0
            for index in 0..<8 {
                value = value << 8 | UInt64(index < bytes.count ? bytes[index] : 0)
            }
            return value
        }
    }
}
