import ATSBridgeCore
import ATSBridgeProto
public import ATSBridgeRPC
public import ATSBridgeSync

/// `atsbridge.v1.Health`: liveness and version, without an API key.
public struct HealthService: Sendable {
    private let start = ContinuousClock.now
    private let startEpochMs: Int64

    /// Creates the service.
    ///
    /// - Parameter clock: Reads the wall clock once; the server time then moves with the
    ///   monotonic clock, so a wall-clock step never makes it go backwards.
    public init(clock: any SyncClock = SystemSyncClock()) {
        self.startEpochMs = clock.nowMilliseconds()
    }

    /// Registers the service's methods.
    public func register(in router: inout RPCRouter) {
        let start = self.start
        let startEpochMs = self.startEpochMs
        router.unary(ATSBridgeProto.HealthService.ping, access: .open) { request, _ in
            PingResponse(
                payload: request.payload,
                serverTime: Int64((ContinuousClock.now - start) / .milliseconds(1)) + startEpochMs,
                serverVersion: ATSBridgeVersion.current
            )
        }
    }
}
