import ATSBridgeAPI
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ATSBridgeTestSupport
import Synchronization

/// What the test handlers did, for assertions from the outside.
final class Probe: Sendable {
    private struct State {
        var attemptedWrites = 0
        var completedWrites = 0
        var cancelled = 0
        var finished = 0
    }

    private let state = Mutex(State())

    var attemptedWrites: Int { self.state.withLock { $0.attemptedWrites } }
    var completedWrites: Int { self.state.withLock { $0.completedWrites } }
    var cancelled: Int { self.state.withLock { $0.cancelled } }
    var finished: Int { self.state.withLock { $0.finished } }

    func attempt() { self.state.withLock { $0.attemptedWrites += 1 } }
    func complete() { self.state.withLock { $0.completedWrites += 1 } }
    func cancel() { self.state.withLock { $0.cancelled += 1 } }
    func finish() { self.state.withLock { $0.finished += 1 } }

    /// Waits until the streaming handler is stuck in a write (the socket and the server's write
    /// buffer are full): its completed writes stop moving with one more attempted.
    func waitUntilStalled() async throws {
        var last = -1
        try await eventually(timeout: .seconds(10), "the handler to stall") {
            let now = self.completedWrites
            defer { last = now }
            try await Task.sleep(for: .milliseconds(50))
            return now > 0 && now == last && self.attemptedWrites == now + 1
        }
    }
}

/// Methods for exercising the protocol, beside the real read and health services.
enum TestMethods {
    static let echo = MethodDescriptor<PingRequest, PingResponse>(service: "test.Test", method: "Echo", kind: .unary)
    static let sleep = MethodDescriptor<PingRequest, PingResponse>(service: "test.Test", method: "Sleep", kind: .unary)
    /// Answers only when cancelled: a call that stays open however long a loaded machine starves
    /// the test between its sends.
    static let hold = MethodDescriptor<PingRequest, PingResponse>(service: "test.Test", method: "Hold", kind: .unary)
    static let infinite = MethodDescriptor<PingRequest, PingResponse>(
        service: "test.Test",
        method: "Infinite",
        kind: .serverStreaming
    )
    static let count = MethodDescriptor<PingRequest, PingResponse>(
        service: "test.Test",
        method: "Count",
        kind: .serverStreaming
    )
    /// Streams `payload[0]` messages whose payloads are "m0", "m1", …, except message
    /// `payload[1]`, which is not UTF-8; ends with an error when `payload[2]` is not 0.
    static let sequence = MethodDescriptor<PingRequest, PingResponse>(
        service: "test.Test",
        method: "Sequence",
        kind: .serverStreaming
    )
    static let adminOnly = MethodDescriptor<PingRequest, PingResponse>(
        service: "test.Test",
        method: "Admin",
        kind: .unary
    )
    static let slowWrite = MethodDescriptor<PingRequest, PingResponse>(
        service: "test.Test",
        method: "SlowWrite",
        kind: .unary
    )
    /// Streams until cancelled, then fails the way a store does when its statement is interrupted.
    static let interrupted = MethodDescriptor<PingRequest, PingResponse>(
        service: "test.Test",
        method: "Interrupted",
        kind: .serverStreaming
    )
    static let fails = MethodDescriptor<PingRequest, PingResponse>(service: "test.Test", method: "Fails", kind: .unary)

    /// A router with the test methods, health, and reads over `store`.
    static func router(probe: Probe, store: any RecordReading, gate: IntegrationReadGate? = nil) -> RPCRouter {
        var router = RPCRouter()
        HealthService().register(in: &router)
        ReadService(store: store, gate: gate).register(in: &router)
        router.unary(echo, access: .readIntegration) { request, _ in PingResponse(payload: request.payload) }
        router.unary(adminOnly, access: .admin) { request, _ in PingResponse(payload: request.payload) }
        router.unary(fails, access: .readIntegration) { _, _ in
            throw ATSBridgeError(.inputInvalid, "candidate.email_address is not an email address")
        }
        router.unary(sleep, access: .readIntegration) { request, _ in
            let milliseconds = Int(request.payload?.first ?? 0) * 10
            do {
                try await Task.sleep(for: .milliseconds(milliseconds))
            } catch {
                probe.cancel()
                throw error
            }
            probe.finish()
            return PingResponse(payload: request.payload)
        }
        router.unary(hold, access: .readIntegration) { _, _ in
            do {
                try await Task.sleep(for: .seconds(3_600))
            } catch {
                probe.cancel()
                throw error
            }
            probe.finish()
            return PingResponse()
        }
        router.unary(slowWrite, access: .writeIntegration) { request, _ in
            probe.attempt()
            // Tenths of a second: long enough to overlap other calls on a slow (sanitized) build.
            try await Task.sleep(for: .milliseconds(Int(request.payload?.first ?? 0) * 100))
            return PingResponse(payload: request.payload)
        }
        router.serverStreaming(infinite, access: .readIntegration) { request, writer, _ in
            let size = Int(request.payload?.first ?? 0) * 1024
            var counter: Int64 = 0
            do {
                while true {
                    probe.attempt()
                    try await writer.write(
                        PingResponse(payload: [UInt8](repeating: 7, count: size), serverTime: counter)
                    )
                    probe.complete()
                    counter += 1
                }
            } catch {
                probe.cancel()
                throw error
            }
        }
        router.serverStreaming(interrupted, access: .readIntegration) { _, writer, _ in
            do {
                while true { try await writer.write(PingResponse(payload: [1])) }
            } catch {
                probe.cancel()
                throw ATSBridgeError(.storeUnavailable, "the SQLite store failed: SQLite code 9")
            }
        }
        router.serverStreaming(sequence, access: .readIntegration) { request, writer, _ in
            let settings = request.payload ?? []
            let count = Int(settings.first ?? 0)
            let bad = settings.count > 1 ? Int(settings[1]) : -1
            for index in 0..<count {
                try await writer.write(PingResponse(payload: index == bad ? [0xFF] : Array("m\(index)".utf8)))
            }
            if settings.count > 2, settings[2] != 0 {
                throw ATSBridgeError(.inputInvalid, "the sequence failed after \(count) messages")
            }
        }
        router.serverStreaming(count, access: .readIntegration) { request, writer, _ in
            let count = request.payload.map { $0.reduce(0) { $0 * 256 + Int($1) } } ?? 0
            for index in 0..<count {
                try await writer.write(PingResponse(serverTime: Int64(index)))
            }
            probe.finish()
        }
        return router
    }
}

extension RawConnection {
    /// A connection whose client pauses reading while a stream of 64 KiB messages, with plenty
    /// of credit, fills the socket buffers and the server's write high-water mark (1 MiB), so
    /// that its handler (stream 1, ``TestMethods/infinite``) is stuck in a write.
    static func stalledStream(port: Int, probe: Probe) async throws -> RawConnection {
        let connection = try await RawConnection.handshaken(port: port, initialCredit: 1_000_000)
        connection.stopReading()
        try await connection.send(try RawConnection.callOpen(1, method: TestMethods.infinite.fullName))
        let request = try PingRequest(payload: [64]).encode()
        try await connection.send(RawConnection.frame(.message, flags: 1, streamID: 1, payload: request))
        try await probe.waitUntilStalled()
        return connection
    }
}
