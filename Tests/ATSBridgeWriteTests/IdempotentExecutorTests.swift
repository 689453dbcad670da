import ATSBridgeCore
import ATSBridgeStoreSQLite
import ATSBridgeSync
import ATSBridgeTestSupport
import Crypto
import Foundation
import Synchronization
import Testing

@testable import ATSBridgeAPI

/// The executor's claims across servers sharing a store: a command that outlives its claim's
/// minute, a retry that takes a key over, and the writes of an attempt that lost its key.
@Suite struct IdempotentExecutorTests {
    static let created = Array("created".utf8)
    static let request = Array("body".utf8)

    static func store() async throws -> SQLiteStore {
        let path = TemporaryFiles.unique("executor").appendingPathComponent("store.sqlite").path
        return try await SQLiteStore(configuration: SQLiteStoreConfiguration(path: path))
    }

    /// An attempt of the key's command on `executor`, running as its own task.
    static func attempt(
        _ executor: IdempotentExecutor,
        _ command: @escaping IdempotentExecutor.Command
    ) -> Task<[UInt8], any Error> {
        Task { try await executor.run(integrationID: "i", key: "k", request: Self.request, command) }
    }

    /// A retry on another server, counted in `runs` if it runs the command (which must not
    /// happen while another attempt holds the key).
    fileprivate static func retry(_ store: SQLiteStore, _ clock: ManualClock, _ runs: Counter) -> Task<
        [UInt8], any Error
    > {
        Self.attempt(IdempotentExecutor(store: store, clock: clock)) { _, _ in
            runs.add()
            return Array("written twice".utf8)
        }
    }

    /// The original attempt is still running after a minute; a retry on another server takes the
    /// key over and succeeds; then the original ends with `failure`. The next retry must get
    /// the taker's result without running the command.
    static func originalEndsLate(with failure: ATSBridgeError) async throws -> [UInt8] {
        let store = try await Self.store()
        let clock = ManualClock()
        // No renewal within the test: the original looks abandoned once the clock moves on.
        let original = IdempotentExecutor(store: store, clock: clock, claimRenewal: .seconds(3600))
        let started = Gate()
        let release = Gate()
        let running = Self.attempt(original) { _, _ in
            started.open()
            try await release.wait()
            throw failure
        }
        try await started.wait()
        clock.advance(by: 61_000)
        let taker = IdempotentExecutor(store: store, clock: clock)
        let taken = try await taker.run(integrationID: "i", key: "k", request: Self.request) { progress, _ in
            #expect(progress == .uncertain)
            return Self.created
        }
        #expect(taken == Self.created)
        release.open()
        _ = await running.result
        let runs = Counter()
        let later = try await IdempotentExecutor(store: store, clock: clock).run(
            integrationID: "i",
            key: "k",
            request: Self.request
        ) { _, _ in
            runs.add()
            return Array("written twice".utf8)
        }
        #expect(runs.count == 0, "the recorded result is returned without running the command again")
        return later
    }

    @Test func aLateTransientFailureOfTheOriginalDoesNotForgetTheTakersResult() async throws {
        #expect(try await Self.originalEndsLate(with: ATSBridgeError(.remoteRateLimited, "429")) == Self.created)
    }

    @Test func aLateDefinitiveFailureOfTheOriginalDoesNotOverwriteTheTakersResult() async throws {
        let late = ATSBridgeError(.atsApplicationAlreadyExists, "RECRU's duplicate check")
        #expect(try await Self.originalEndsLate(with: late) == Self.created)
    }

    @Test func aCommandRunningPastAMinuteRenewsItsClaimSoNoRetryTakesItOver() async throws {
        let store = try await Self.store()
        let clock = ManualClock()
        let runs = Counter()
        let started = Gate()
        let release = Gate()
        let first = IdempotentExecutor(store: store, clock: clock, claimRenewal: .milliseconds(20))
        let running = Self.attempt(first) { _, _ in
            runs.add()
            started.open()
            try await release.wait()
            return Self.created
        }
        try await started.wait()
        // A long search: a minute passes, and the heartbeat renews the claim meanwhile.
        clock.advance(by: 61_000)
        try await Task.sleep(for: .milliseconds(200))
        let retry = Self.retry(store, clock, runs)
        try await Task.sleep(for: .milliseconds(300))
        #expect(runs.count == 1, "the retry waits for the running command")
        release.open()
        #expect(try await running.value == Self.created)
        #expect(try await retry.value == Self.created)
        #expect(runs.count == 1)
    }

    @Test func anUncertainMarkWrittenTwiceByTheOriginalLetsOnlyOneRetryIn() async throws {
        let store = try await Self.store()
        let clock = ManualClock()
        let marked = Gate()
        let release = Gate()
        let running = Self.attempt(IdempotentExecutor(store: store, clock: clock)) { _, checkpoint in
            try await checkpoint(.uncertain)
            marked.open()
            try await release.wait()
            throw ATSBridgeError(.remoteUnavailable, "lost")
        }
        try await marked.wait()
        let runs = Counter()
        let hold = Gate()
        let started = Gate()
        let taker = Self.attempt(IdempotentExecutor(store: store, clock: clock)) { _, _ in
            runs.add()
            started.open()
            try await hold.wait()
            return Self.created
        }
        try await started.wait()
        // The original's failure marks the key uncertain again, but no longer holds it.
        release.open()
        _ = await running.result
        let third = Self.retry(store, clock, runs)
        try await Task.sleep(for: .milliseconds(300))
        #expect(runs.count == 1, "only the taker looks in RECRU and writes")
        hold.open()
        #expect(try await taker.value == Self.created)
        #expect(try await third.value == Self.created)
    }
}

/// A clock the test moves: the servers' shared wall clock.
private final class ManualClock: SyncClock, Sendable {
    private let now = Atomic<Int64>(1_800_000_000_000)

    func nowMilliseconds() -> Int64 { self.now.load(ordering: .relaxed) }

    func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }

    func advance(by milliseconds: Int64) { self.now.add(milliseconds, ordering: .relaxed) }
}

/// A gate a command waits at until the test opens it.
private final class Gate: Sendable {
    private let isOpen = Atomic<Bool>(false)

    func open() { self.isOpen.store(true, ordering: .releasing) }

    func wait() async throws {
        while !self.isOpen.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
    }
}

/// How often a command ran.
private final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    func add() { self.value.add(1, ordering: .relaxed) }

    var count: Int { self.value.load(ordering: .relaxed) }
}
