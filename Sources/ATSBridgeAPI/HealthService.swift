import ATSBridgeCore
import ATSBridgeProto
public import ATSBridgeRPC

/// `atsbridge.v1.Health`: liveness and version, without an API key.
public struct HealthService: Sendable {
    /// Creates the service.
    public init() {}

    /// Registers the service's methods.
    public func register(in router: inout RPCRouter) {
        router.unary(ATSBridgeProto.HealthService.ping, access: .open) { request, _ in
            PingResponse(
                payload: request.payload,
                serverTime: Int64((ContinuousClock.now - Self.start) / .milliseconds(1)) + Self.startEpochMs,
                serverVersion: ATSBridgeVersion.current
            )
        }
    }

    private static let start = ContinuousClock.now
    private static let startEpochMs = WallClock.nowMilliseconds()
}
