/// Where one iteration of ``RecordPages`` takes its pages from. One task calls
/// ``next(readingAhead:)`` at a time; dropping the source stops any read ahead (a store may
/// finish the page it is reading).
public protocol RecordPageSource: AnyObject, Sendable {
    /// The next page, or `nil` after the last.
    ///
    /// - Parameter readingAhead: How many pages past this one the store may read ahead of the
    ///   caller until its next call (it reads at most its own limit): a sender whose client
    ///   has credit for fewer messages asks for fewer, so pages nobody can take yet are not
    ///   read (and held).
    func next(readingAhead: Int) async throws -> RecordPage?
}

extension RecordPageSource {
    /// The next page, or `nil` after the last, read ahead as far as the store reads.
    public func next() async throws -> RecordPage? {
        try await self.next(readingAhead: .max)
    }
}
