/// An id compared and hashed by its UTF-8 bytes, as the stores' keys compare it.
///
/// `String`'s `==` and hash call canonically equivalent texts ("é" composed and decomposed)
/// equal, so a `Set<String>` of ids would merge two records that a store keeps apart.
public struct ExactID: Hashable, Sendable {
    /// The id.
    public let text: String

    /// The id `text`, compared by its bytes.
    public init(_ text: String) {
        self.text = text
    }

    /// Whether both ids have the same bytes.
    public static func == (left: ExactID, right: ExactID) -> Bool {
        RecordRow.byteOrder(left.text, right.text) == 0
    }

    /// Hashes the id's bytes.
    public func hash(into hasher: inout Hasher) {
        var text = self.text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension Set<ExactID> {
    /// The ids' texts in byte order (``RecordRow/uniqueSorted(_:)``), the order of the stores'
    /// key indexes.
    public var byteSorted: [String] { RecordRow.uniqueSorted(self.map(\.text)) }
}
