/// Where one iteration of ``RecordPages`` takes its pages from. One task calls ``next()`` at a
/// time; dropping the source stops any read ahead (a store may finish the page it is reading).
public protocol RecordPageSource: AnyObject, Sendable {
    /// The next page, or `nil` after the last.
    func next() async throws -> RecordPage?
}
