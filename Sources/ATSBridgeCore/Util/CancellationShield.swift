/// Runs `operation` to its end even when the calling task is cancelled, and waits for it: for
/// work that must happen whatever the caller's fate (releasing a lease, recording a cancelled
/// sync run, finishing a write command whose outcome a retry will read).
///
/// The operation runs in a task of its own that is never cancelled, so it is not a child of the
/// caller; the caller still awaits it, so it never outlives the caller's wait unobserved.
package func withCancellationShield<Value: Sendable>(
    _ operation: @escaping @Sendable () async -> Value
) async -> Value {
    await Task { await operation() }.value
}

/// Runs the throwing `operation` to its end even when the calling task is cancelled, and waits
/// for it; its error is rethrown to the caller.
package func withCancellationShield<Value: Sendable>(
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await Task { try await operation() }.value
}
