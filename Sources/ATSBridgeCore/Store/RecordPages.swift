/// The pages of one list, in order, from its cursor on: what a streamed list sends. The first
/// page always comes, even when empty; the last is the one without a next cursor.
///
/// A store may read the following page while its caller sends one, but never more than a
/// couple of pages ahead, so a slow caller holds a bounded amount of memory.
public struct RecordPages: AsyncSequence, Sendable {
    /// Each element is one page.
    public typealias Element = RecordPage

    private let makeSource: @Sendable () -> any RecordPageSource

    /// Pages taken from the source that `makeSource` creates for each iteration.
    public init(_ makeSource: @escaping @Sendable () -> any RecordPageSource) {
        self.makeSource = makeSource
    }

    /// Creates the iterator, starting the list.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: self.makeSource())
    }

    /// Takes the pages from one source, in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: any RecordPageSource

        /// The next page, or `nil` after the last.
        ///
        /// - Throws: The store's error for the page (the list ends with it), or
        ///   `CancellationError` when the calling task is cancelled.
        public mutating func next() async throws -> RecordPage? {
            try await self.source.next(readingAhead: .max)
        }

        /// The next page, or `nil` after the last, with at most `readingAhead` pages read
        /// ahead of the caller meanwhile (see ``RecordPageSource/next(readingAhead:)``).
        public mutating func next(readingAhead: Int) async throws -> RecordPage? {
            try await self.source.next(readingAhead: readingAhead)
        }
    }
}
