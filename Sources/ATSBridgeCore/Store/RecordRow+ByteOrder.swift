extension RecordRow {
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
}
