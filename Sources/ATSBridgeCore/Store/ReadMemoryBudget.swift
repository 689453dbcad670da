import Synchronization

/// The bytes of pages read for callers and not yet sent, across the server: the memory that
/// lists hold while their clients read slowly or not at all.
///
/// A store reads a page only while the budget has room (checked on the thread that reads,
/// once it holds its database connection), then charges the page's bytes, which stay charged
/// until the page is written to the socket or dropped. So the bytes held stay under
/// ``capacity`` plus one page per concurrent store read, whatever clients do.
///
/// Reads that find no room wait: once a read waits, later ones wait too (they do not overtake
/// it), and all are woken together when the bytes held fall to three quarters of the capacity
/// (so that waking many readers happens once per quarter of the budget, not once per page).
/// Wakes run on a task of their own, never inside the release that makes room: a page may be
/// dropped (and its charge released) while its owner holds a lock that the wake needs.
///
/// A budget may be a share of others (``init(capacity:within:observe:waited:)``): a call's pages
/// count against its connection's share, its key's share and the server's budget at once, and
/// it reads only while all of them have room.
public final class ReadMemoryBudget: Sendable {
    private struct State {
        var used = 0
        var peak = 0
        var nextWaiterID: UInt64 = 0
        /// Reads waiting for room, oldest first.
        var waiters: [(id: UInt64, wake: @Sendable () -> Void)] = []
        /// Reads waiting for room in a budget this one is within: their token there, by the
        /// token this budget gave.
        var delegated: [UInt64: (within: Int, token: UInt64)] = [:]
        /// Delegated waits being registered with their parent, and those of them whose action
        /// ran before their token was noted.
        var registering: Set<UInt64> = []
        var ranEarly: Set<UInt64> = []
    }

    /// The bytes of pages held at which reads wait.
    public let capacity: Int
    private let lowWater: Int
    /// The budgets every charge also counts against.
    private let parents: [ReadMemoryBudget]
    private let state = Mutex(State())
    private let observe: @Sendable (Int) -> Void
    private let waited: @Sendable () -> Void

    /// A budget of `capacity` bytes.
    ///
    /// - Parameters:
    ///   - observe: Called with the bytes held after each change (a metrics gauge), under the
    ///     budget's lock: it must not call back into the budget.
    ///   - waited: Called each time a read has to wait for room (a metrics counter).
    ///   - within: Budgets that every charge to this one also counts against: a read has room
    ///     when this budget and each of them has room. Each is charged once per page, so none
    ///     may be within another of the list.
    public init(
        capacity: Int,
        within parents: [ReadMemoryBudget] = [],
        observe: @escaping @Sendable (Int) -> Void = { _ in },
        waited: @escaping @Sendable () -> Void = {}
    ) {
        precondition(capacity > 0, "a read memory budget needs a positive capacity")
        self.capacity = capacity
        self.lowWater = capacity - capacity / 4
        self.parents = parents
        self.observe = observe
        self.waited = waited
    }

    /// The bytes held now.
    public var used: Int { self.state.withLock { $0.used } }

    /// Waits registered here or in the budgets this one is within, and their bookkeeping (for
    /// tests: 0 once every wait has run or been withdrawn).
    package var pendingWaits: Int {
        self.state.withLock { $0.waiters.count + $0.delegated.count + $0.registering.count + $0.ranEarly.count }
    }

    /// The most bytes held at once so far.
    public var peak: Int { self.state.withLock { $0.peak } }

    /// Whether a read may start now: the bytes held are under the capacity and no read waits,
    /// here and in every budget this one is within.
    public var hasRoom: Bool {
        self.state.withLock { Self.hasRoom($0, self.capacity) } && self.parents.allSatisfy(\.hasRoom)
    }

    private static func hasRoom(_ state: State, _ capacity: Int) -> Bool {
        state.used < capacity && state.waiters.isEmpty
    }

    /// Charges `bytes` read for a caller, whether or not they fit (the read already happened);
    /// they are released when the returned charge is released or deinitialized.
    public func charge(_ bytes: Int) -> ReadMemoryCharge {
        self.add(bytes)
        return ReadMemoryCharge(budget: self, bytes: bytes)
    }

    private func add(_ bytes: Int) {
        for parent in self.parents { parent.add(bytes) }
        self.state.withLock { state in
            state.used += bytes
            state.peak = max(state.peak, state.used)
            // Under the lock: concurrent changes reach the gauge in the order they happened.
            self.observe(state.used)
        }
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        for parent in self.parents { parent.release(bytes) }
        let woken = self.state.withLock { state in
            state.used -= bytes
            self.observe(state.used)
            guard state.used <= self.lowWater, !state.waiters.isEmpty else {
                return [(id: UInt64, wake: @Sendable () -> Void)]()
            }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        guard !woken.isEmpty else { return }
        Task { for waiter in woken { waiter.wake() } }
    }

    /// Runs `action` once the budget has room: at once (on the calling thread) when it has
    /// room now, otherwise on a task started by the release that makes room. An `action` that
    /// finds no room again (others took it first) asks again.
    ///
    /// A budget within others waits for its own room first, then for theirs, one at a time:
    /// `action` runs when the first budget it waits for has room, and finds out by asking again
    /// whether the others do.
    ///
    /// - Returns: A token for ``cancelWait(_:)``, or `nil` when `action` already ran.
    @discardableResult
    public func whenRoom(_ action: @escaping @Sendable () -> Void) -> UInt64? {
        let ownWait = self.state.withLock { state -> UInt64? in
            guard !Self.hasRoom(state, self.capacity) else { return nil }
            state.nextWaiterID += 1
            state.waiters.append((state.nextWaiterID, action))
            return state.nextWaiterID
        }
        if let ownWait {
            self.waited()
            return ownWait
        }
        guard let index = self.parents.firstIndex(where: { !$0.hasRoom }) else {
            action()
            return nil
        }
        let id = self.state.withLock { state in
            state.nextWaiterID += 1
            state.registering.insert(state.nextWaiterID)
            return state.nextWaiterID
        }
        let token = self.parents[index].whenRoom { [weak self] in
            self?.state.withLock { state in
                // Noted only while registering: a wait cancelled as it was woken has no entry
                // left, and must not leave one behind.
                if state.delegated.removeValue(forKey: id) == nil, state.registering.contains(id) {
                    state.ranEarly.insert(id)
                }
            }
            action()
        }
        // The action may run before its token is noted here: then nothing is noted.
        let waiting = self.state.withLock { state in
            state.registering.remove(id)
            guard state.ranEarly.remove(id) == nil, let token else { return false }
            state.delegated[id] = (index, token)
            return true
        }
        return waiting ? id : nil
    }

    /// Stops waiting for room: the action registered under `token` will not run.
    ///
    /// - Returns: Whether it was still waiting (and now will not run).
    @discardableResult
    public func cancelWait(_ token: UInt64) -> Bool {
        let delegated = self.state.withLock { state -> (within: Int, token: UInt64)? in
            if let index = state.waiters.firstIndex(where: { $0.id == token }) {
                state.waiters.remove(at: index)
                return (-1, 0)
            }
            return state.delegated.removeValue(forKey: token)
        }
        guard let delegated else { return false }
        guard delegated.within >= 0 else { return true }
        return self.parents[delegated.within].cancelWait(delegated.token)
    }

    /// Waits until the budget has room.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled while waiting.
    public func waitForRoom() async throws {
        let wait = RoomWait()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard wait.start(continuation) else { return }
                let token = self.whenRoom { wait.resume(throwing: nil) }
                if let token, !wait.registered(token) { self.cancelWait(token) }
            }
        } onCancel: {
            if let token = wait.cancel() { self.cancelWait(token) }
        }
    }
}

/// One task's ``ReadMemoryBudget/waitForRoom()``: its continuation, resumed exactly once by
/// the first of the wake and the cancellation.
private final class RoomWait: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var token: UInt64?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Keeps the continuation; `false` (and resumed with CancellationError) when cancelled.
    func start(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        let cancelled = self.state.withLock { state in
            if !state.cancelled { state.continuation = continuation }
            return state.cancelled
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// Notes the wait's token; `false` when the wait was cancelled meanwhile (withdraw it).
    func registered(_ token: UInt64) -> Bool {
        self.state.withLock { state in
            state.token = token
            return !state.cancelled
        }
    }

    /// Cancels the wait, returning the token to withdraw, if registered.
    func cancel() -> UInt64? {
        let (continuation, token) = self.state.withLock { state in
            state.cancelled = true
            defer { state.continuation = nil }
            return (state.continuation, state.token)
        }
        continuation?.resume(throwing: CancellationError())
        return token
    }

    /// Resumes the waiting task (with `error`, or normally), unless it was already.
    func resume(throwing error: (any Error)?) {
        let continuation = self.state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        if let error { continuation?.resume(throwing: error) } else { continuation?.resume() }
    }
}
