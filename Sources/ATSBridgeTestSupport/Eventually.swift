/// Polls `condition` until it holds or `timeout` passes; tests never wait on fixed sleeps. The
/// default deadline is generous because full runs share two cores with many parallel tests.
///
/// - Throws: ``TimeoutError`` naming `what` when the deadline passes.
public func eventually(
    timeout: Duration = .seconds(30),
    _ what: String = "condition",
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    throw TimeoutError(what: what)
}

/// A condition did not hold in time.
public struct TimeoutError: Error, CustomStringConvertible {
    /// What was waited for.
    public var what: String
    /// `timed out waiting for <what>`.
    public var description: String { "timed out waiting for \(self.what)" }
}
