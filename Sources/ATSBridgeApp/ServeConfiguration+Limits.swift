import ATSBridgeCore
import ATSBridgeRPC
import ATSBridgeServer

extension ServeConfiguration {
    /// The abuse limits' settings (docs/security.md, Limits), by config-file key.
    static var limitKeys: [String] {
        (Array(counts.keys) + Array(timeouts.keys) + ["key_requests_per_second"]).sorted()
    }

    /// Settings that are positive integers.
    private static var counts: [String: WritableKeyPath<ServeConfiguration, Int>] {
        [
            "max_connections_per_address": \.server.maxConnectionsPerAddress,
            "max_buffered_request_bytes": \.server.maxBufferedRequestBytes,
            "max_buffered_response_bytes": \.server.maxBufferedResponseBytes,
            "max_connection_response_bytes": \.server.maxConnectionResponseBytes,
            "max_key_response_bytes": \.server.maxKeyResponseBytes,
            "max_connection_request_bytes": \.server.connection.maxBufferedRequestBytes,
            "max_unauthenticated_message_bytes": \.server.connection.maxUnauthenticatedMessageSize,
            "max_pings_per_second": \.server.connection.maxPingsPerSecond,
            "max_concurrent_writes": \.server.maxConcurrentWrites,
        ]
    }

    /// Settings that are durations above zero.
    private static var timeouts: [String: WritableKeyPath<ServeConfiguration, Duration>] {
        [
            "request_timeout": \.server.connection.requestTimeout,
            "credit_stall_timeout": \.server.connection.creditStallTimeout,
            "idle_timeout": \.server.connection.idleTimeout,
            "handshake_timeout": \.server.connection.handshakeTimeout,
        ]
    }

    /// Applies one abuse-limit setting; returns `false` for a key that is not one.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming the setting.
    mutating func setLimit(_ key: String, _ value: String) throws -> Bool {
        if let path = Self.counts[key] {
            guard let count = Int(value), count > 0 else {
                throw ATSBridgeError(.inputInvalid, "\(key) must be a positive integer, not '\(value)'")
            }
            self[keyPath: path] = count
        } else if let path = Self.timeouts[key] {
            let duration = try Self.duration(value, field: key)
            guard duration > .zero else { throw ATSBridgeError(.inputInvalid, "\(key) must be above 0") }
            self[keyPath: path] = duration
        } else if key == "key_requests_per_second" {
            guard let rate = Int(value), rate >= 0 else {
                throw ATSBridgeError(.inputInvalid, "\(key) must be 0 (no limit) or a positive integer, not '\(value)'")
            }
            self.server.keyRequestsPerSecond = rate
        } else {
            return false
        }
        return true
    }
}
