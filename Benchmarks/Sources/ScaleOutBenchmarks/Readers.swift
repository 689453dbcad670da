import ATSBridgeClient
import ATSBridgeProto
import Synchronization

/// `clients` concurrent connections calling GetCandidate for random ids, spread evenly over the
/// servers' ports.
struct Readers {
    let ports: [Int]
    let clients: Int
    let ids: [String]

    /// Calls per second over `seconds` (after a 2-second warm-up).
    func run(seconds: Int) async throws -> Double {
        let counter = CallCounter()
        let ids = self.ids
        let connections = (0..<self.clients).map { index in
            RPCClient(
                configuration: RPCClientConfiguration(
                    port: self.ports[index % self.ports.count],
                    apiKey: ServerProcesses.apiKey,
                    integrationID: Ingest.integrationID
                )
            )
        }
        let deadline = ContinuousClock.now + .seconds(2 + seconds)
        let measuredFrom = try await withThrowingTaskGroup(of: Void.self) { group in
            for client in connections {
                group.addTask {
                    var generator = SystemRandomNumberGenerator()
                    while ContinuousClock.now < deadline {
                        let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
                        let candidate = try await client.unary(AtsReadService.getCandidate, GetRequest(id: id))
                        precondition(candidate.id == id)
                        if counter.counting.load(ordering: .relaxed) { counter.calls.add(1, ordering: .relaxed) }
                    }
                }
            }
            try await Task.sleep(for: .seconds(2))
            let from = ContinuousClock.now
            counter.counting.store(true, ordering: .relaxed)
            try await group.waitForAll()
            return from
        }
        let elapsed = (ContinuousClock.now - measuredFrom).seconds
        for client in connections { await client.close() }
        return Double(counter.calls.load(ordering: .relaxed)) / elapsed
    }
}

/// Calls counted once the warm-up is over, shared by the client tasks.
final class CallCounter: Sendable {
    let calls = Atomic<Int>(0)
    let counting = Atomic<Bool>(false)
}
