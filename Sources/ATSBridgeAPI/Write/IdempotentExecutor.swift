import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeSync
import Crypto
import Synchronization

/// Runs write commands so that a retry with the same idempotency key never writes to RECRU
/// twice, even across a crash or a deadline passing mid-write.
///
/// A command runs in its own task, so it finishes and records its outcome even when the call
/// that started it is cancelled. Its progress is kept in the store under the key:
///
/// 1. claimed (no response yet) before anything is sent to RECRU;
/// 2. uncertain, when the write was sent and its answer lost (a dropped connection, a cut-off
///    body), so RECRU may have written it;
/// 3. a checkpoint once RECRU has answered (the created RECRU ids), before the store is updated;
/// 4. the final response, or a definitive error (invalid input, job closed, already applied).
///
/// A retry with the same key and body returns (3)'s or (4)'s outcome without calling RECRU
/// again. A retry finding (2), or finding only (1) from a server that died mid-write, resumes
/// as ``RemoteWriteProgress/uncertain``: the adapter first looks in RECRU for what the lost
/// write created and returns it, and writes only when it finds nothing. One retry takes such a
/// key over (it is claimed anew), so that retries on several servers at once do not each look
/// and write; the others wait for its outcome. A retry finding (1) younger than a minute waits
/// for its outcome instead, as that command may still be running on another server sharing the
/// store. Transient failures before the write was sent (RECRU's rate limit, which refuses it)
/// forget the key, so the retry runs again. Two requests with one key at the same moment share
/// one run. The same key with a different body is `PLATFORM.INPUT_INVALID`.
final class IdempotentExecutor: Sendable {
    /// Saves how far the command got (uncertain, or the RECRU ids it created) under its key.
    typealias Checkpoint = @Sendable (RemoteWriteProgress) async throws -> Void
    /// A command: given how far an earlier attempt got, it returns the encoded response.
    typealias Command =
        @Sendable (_ progress: RemoteWriteProgress, _ checkpoint: @escaping Checkpoint) async throws -> [UInt8]

    private let store: any Store
    private let clock: any SyncClock
    private let inFlight = Mutex<[String: InFlight]>([:])

    /// A command running under a key, with the hash of its request.
    private struct InFlight: Sendable {
        var requestHash: [UInt8]
        var task: Task<[UInt8], any Error>
    }

    private enum Tag: UInt8 {
        case checkpoint = 1
        case response = 2
        case failure = 3
        case uncertain = 4
    }

    /// How often a running command renews its claim (``claimRenewal`` by default; tests pass
    /// less).
    private let renewal: Duration

    init(store: any Store, clock: any SyncClock, claimRenewal: Duration = IdempotentExecutor.claimRenewal) {
        self.store = store
        self.clock = clock
        self.renewal = claimRenewal
    }

    func run(integrationID: String, key: String?, request: [UInt8], _ command: @escaping Command) async throws
        -> [UInt8]
    {
        guard let key else {
            return try await withCancellationShield { try await command(.notSent, { _ in }) }
        }
        guard !key.isEmpty, key.count <= 200 else {
            throw ATSBridgeError(.inputInvalid, "idempotency_key must be 1 to 200 characters")
        }
        let hash = Array(SHA256.hash(data: request))
        let slot = integrationID + "\u{0}" + key
        // Joining a running command and starting one are one step under the lock, so that two
        // requests arriving together with one key make one remote call. Not fire-and-forget:
        // callers await the task, and it leaves the table itself when it ends (the lock, taken
        // before it can run, makes its removal follow its insertion).
        let running = self.inFlight.withLock { inFlight -> InFlight in
            if let running = inFlight[slot] { return running }
            let task = Task {
                defer { _ = self.inFlight.withLock { $0.removeValue(forKey: slot) } }
                return try await self.claimAndRun(integrationID: integrationID, key: key, hash: hash, command)
            }
            let started = InFlight(requestHash: hash, task: task)
            inFlight[slot] = started
            return started
        }
        guard running.requestHash == hash else { throw Self.keyReused }
        // The command is never cancelled by this call's cancellation: it records its outcome.
        return try await running.task.value
    }

    private static var keyReused: ATSBridgeError {
        ATSBridgeError(
            .inputInvalid,
            "idempotency_key was already used with a different request; use a new key for a new request"
        )
    }

    /// Claims the key in the store (or finds its earlier outcome) and runs the command.
    private func claimAndRun(integrationID: String, key: String, hash: [UInt8], _ command: @escaping Command)
        async throws -> [UInt8]
    {
        let record = IdempotencyRecord(
            integrationID: integrationID,
            key: key,
            requestHash: hash,
            response: nil,
            createdAt: self.clock.nowMilliseconds()
        )
        let resumed: RemoteWriteProgress
        let claim: HeldClaim
        switch try await self.claimOrResume(record) {
        case .finished(let outcome): return try outcome.get()
        case .resuming(let progress, let claimedAt):
            resumed = progress
            claim = HeldClaim(at: claimedAt)
        }
        let store = self.store
        let clock = self.clock
        // Every write names the claim, so that an attempt whose key was taken over (it ran
        // past ``pendingClaimWait`` without renewing) writes nothing over the taker's outcome.
        @Sendable func save(_ response: [UInt8]) async throws {
            _ = try await claim.write { at in
                try await store.completeIdempotencyKey(
                    integrationID: integrationID,
                    key: key,
                    claimedAt: at,
                    response: response
                )
            }
        }
        // Renewed while the command runs, so that its claim never looks abandoned to a retry.
        let renewal = self.renewal
        let heartbeat = Task {
            while true {
                try await Task.sleep(for: renewal)
                let renewed = await claim.renew(now: clock.nowMilliseconds()) { from, to in
                    try await store.renewIdempotencyKey(
                        integrationID: integrationID,
                        key: key,
                        claimedAt: from,
                        renewedAt: to
                    )
                }
                guard renewed else { return }
            }
        }
        defer { heartbeat.cancel() }
        // Set once the write may have reached the remote, before that is saved (a failed save
        // must not forget the key): from then on the key is never forgotten, so that a retry
        // looks for what it created rather than writing again.
        let sent = Flag(resumed != .notSent)
        let answered = Flag(false)
        if case .answered = resumed { answered.set() }
        do {
            let response = try await command(resumed) { progress in
                let saved: [UInt8]
                switch progress {
                case .notSent: return
                case .uncertain: saved = [Tag.uncertain.rawValue]
                case .answered(let checkpoint):
                    saved = [Tag.checkpoint.rawValue] + checkpoint
                    answered.set()
                }
                sent.set()
                try await save(saved)
            }
            try await save([Tag.response.rawValue] + response)
            return response
        } catch let error as ATSBridgeError where Self.isDefinitive(error) {
            try? await save([Tag.failure.rawValue] + (try error.status.encode()))
            throw error
        } catch {
            if !sent.isSet {
                // A transient failure before the write was sent: the retry runs it again.
                _ = try? await claim.write { at in
                    try await store.releaseIdempotencyKey(integrationID: integrationID, key: key, claimedAt: at)
                    return true
                }
            } else if !answered.isSet {
                // Still uncertain, also when this attempt took the key over (which cleared the
                // mark) and failed before it knew more.
                try? await save([Tag.uncertain.rawValue])
            }
            // After the remote answered, the checkpoint stays, so that the retry returns what
            // was created.
            throw error
        }
    }

    /// What claiming a key found.
    private enum Claimed {
        /// The key's recorded outcome: a response, or a definitive error.
        case finished(Result<[UInt8], ATSBridgeError>)
        /// The key is this attempt's, claimed at `claimedAt`, resuming from how far an earlier
        /// attempt got.
        case resuming(RemoteWriteProgress, claimedAt: Int64)
    }

    /// Claims the key, or finds its outcome or checkpoint. A key left uncertain, or claimed by a
    /// server that died, is taken over by one attempt (``IdempotencyStore/retakeIdempotencyKey(integrationID:key:response:createdAt:claimedAt:)``);
    /// others resuming it at the same moment then wait for that attempt's outcome.
    private func claimOrResume(_ record: IdempotencyRecord) async throws -> Claimed {
        while let existing = try await self.claim(record) {
            guard existing.requestHash == record.requestHash else { throw Self.keyReused }
            if let saved = existing.response, let tag = saved.first.flatMap(Tag.init(rawValue:)) {
                let body = Array(saved.dropFirst())
                switch tag {
                case .response: return .finished(.success(body))
                case .failure: return .finished(.failure(try Self.decodeFailure(body)))
                case .checkpoint: return .resuming(.answered(body), claimedAt: existing.createdAt)
                case .uncertain: break
                }
            }
            // Uncertain, or a claim without an outcome that ``claim(_:)`` stopped waiting for:
            // its server died, perhaps after sending the write. A new claim time always differs
            // from the old one, which the old attempt's writes name.
            let claimedAt = max(self.clock.nowMilliseconds(), existing.createdAt + 1)
            if try await self.store.retakeIdempotencyKey(
                integrationID: record.integrationID,
                key: record.key,
                response: existing.response,
                createdAt: existing.createdAt,
                claimedAt: claimedAt
            ) {
                return .resuming(.uncertain, claimedAt: claimedAt)
            }
        }
        return .resuming(.notSent, claimedAt: record.createdAt)
    }

    /// Claims the key, or returns its existing record. A claim without an outcome that is
    /// younger than ``pendingClaimWait`` belongs to a command still running, on another server
    /// sharing the store (this server's own are joined in ``run``): its outcome is awaited, so
    /// that the command is not sent to RECRU twice. An older one was left by a server that
    /// died, and the command runs again.
    private func claim(_ record: IdempotencyRecord) async throws -> IdempotencyRecord? {
        var existing = try await self.store.claimIdempotencyKey(record)
        let waiting = ContinuousClock.now
        while let pending = existing, pending.response == nil, pending.requestHash == record.requestHash,
            self.clock.nowMilliseconds() - pending.createdAt < Self.pendingClaimWait.milliseconds
        {
            // A command renews its claim while it runs, so this waits as long as it runs; but
            // not without end (a server whose clock is far ahead makes its claims look young).
            guard ContinuousClock.now - waiting < Self.longestWait else {
                throw ATSBridgeError(
                    .unavailable,
                    "the idempotency key is still claimed by a running command; retry later with the same key"
                )
            }
            try await Task.sleep(for: .milliseconds(50))
            // Claims the key when the other server released it after a transient failure.
            existing = try await self.store.claimIdempotencyKey(record)
        }
        return existing
    }

    /// How long a claim without an outcome, or renewed within it, counts as a command still
    /// running elsewhere. Servers sharing a store need clocks that agree well within it (NTP).
    static let pendingClaimWait: Duration = .seconds(60)
    /// How often a running command renews its claim.
    static let claimRenewal: Duration = .seconds(15)
    /// The longest a retry waits for another attempt's outcome.
    static let longestWait: Duration = .seconds(600)

    /// Errors a retry would meet again, so they are the recorded outcome.
    private static func isDefinitive(_ error: ATSBridgeError) -> Bool {
        switch error.code.status {
        case .invalidArgument, .notFound, .alreadyExists, .failedPrecondition: true
        default: false
        }
    }

    private static func decodeFailure(_ bytes: [UInt8]) throws -> ATSBridgeError {
        ATSBridgeError(status: try Status(decoding: bytes))
    }
}

/// A flag set once, shared with the checkpoint closure.
private final class Flag: Sendable {
    private let value: Atomic<Bool>

    init(_ initial: Bool) {
        self.value = Atomic(initial)
    }

    var isSet: Bool { self.value.load(ordering: .acquiring) }

    func set() {
        self.value.store(true, ordering: .releasing)
    }
}

/// The claim an attempt holds on its key: the `created_at` it was made or last renewed at,
/// which every store write of the attempt names.
private final class HeldClaim: Sendable {
    private struct State {
        var at: Int64
        /// A renewal is moving the claim in the store; `at` follows once it has.
        var renewing = false
    }

    private let state: Mutex<State>

    init(at: Int64) {
        self.state = Mutex(State(at: at))
    }

    /// Runs a store write naming the claim; one refused while a renewal moved the claim runs
    /// again with the new time. Returns whether the claim still held the key.
    func write(_ operation: (Int64) async throws -> Bool) async throws -> Bool {
        while true {
            let before = self.state.withLock { $0 }
            if try await operation(before.at) { return true }
            let after = self.state.withLock { $0 }
            if after.at != before.at { continue }
            guard after.renewing || before.renewing else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Moves the claim to `now` (or just past it) through `operation(from, to)`; returns whether
    /// it still held the key.
    func renew(now: Int64, _ operation: (Int64, Int64) async throws -> Bool) async -> Bool {
        let from = self.state.withLock { state in
            state.renewing = true
            return state.at
        }
        let to = max(now, from + 1)
        let renewed = (try? await operation(from, to)) ?? false
        self.state.withLock { state in
            if renewed { state.at = to }
            state.renewing = false
        }
        return renewed
    }
}
