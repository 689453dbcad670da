import ATSBridgeCore
import Foundation

/// `SandboxAdmin.getFaults|setFaults|changeFaults|clearFaults`: the injected faults, switched at
/// run time (docs/recru-jsonrpc.md, "Sandbox-only features").
extension RECRUSandbox {
    /// Answers one of the fault methods; nil when `method` is not one.
    func faultsAdmin(_ method: String, _ params: RPCParams) throws -> Any? {
        switch method {
        case "SandboxAdmin.getFaults":
            return Self.json(self.faults)
        case "SandboxAdmin.setFaults":
            let faults = try Self.faults(params, over: SandboxFaults())
            self.setFaults(faults)
            return Self.json(faults)
        case "SandboxAdmin.changeFaults":
            let faults = try Self.faults(params, over: self.faults)
            self.setFaults(faults)
            return Self.json(faults)
        case "SandboxAdmin.clearFaults":
            self.setFaults(SandboxFaults())
            return Self.json(SandboxFaults())
        default:
            return nil
        }
    }

    /// `base` with the fields `params` names; `rate_limit_per_second: null` turns the limit off.
    private static func faults(_ params: RPCParams, over base: SandboxFaults) throws -> SandboxFaults {
        var faults = base
        if params.values["rate_limit_per_second"] != nil {
            let limit = try params.int("rate_limit_per_second")
            guard (limit ?? 1) > 0 else {
                throw JSONRPCError.invalidParams("rate_limit_per_second", "must be positive, or null for no limit")
            }
            faults.rateLimitPerSecond = limit
        }
        if let seconds = try params.int("retry_after_seconds") {
            guard (0...3600).contains(seconds) else {
                throw JSONRPCError.invalidParams("retry_after_seconds", "must be from 0 to 3600")
            }
            faults.retryAfterSeconds = seconds
        }
        let rates: [(String, WritableKeyPath<SandboxFaults, Double>)] = [
            ("server_error_rate", \.serverErrorRate), ("drop_connection_rate", \.dropConnectionRate),
            ("truncated_body_rate", \.truncatedBodyRate), ("rate_limited_rate", \.rateLimitedRate),
        ]
        for (key, path) in rates {
            guard let rate = try params.double(key) else { continue }
            guard (0...1).contains(rate) else { throw JSONRPCError.invalidParams(key, "must be from 0 to 1") }
            faults[keyPath: path] = rate
        }
        if let latency = try params.int("added_latency_ms") {
            guard (0...60_000).contains(latency) else {
                throw JSONRPCError.invalidParams("added_latency_ms", "must be from 0 to 60000")
            }
            faults.addedLatency = .milliseconds(latency)
        }
        for (key, path) in [
            ("failing_methods", \SandboxFaults.failingMethods), ("lost_answer_methods", \.lostAnswerMethods),
        ] {
            guard let methods = try params.stringArray(key) else { continue }
            if SandboxFaults.firstUnknownMethod(in: methods) != nil {
                throw JSONRPCError.invalidParams(key, "names a method RECRU does not have")
            }
            faults[keyPath: path] = Set(methods)
        }
        if let seed = try params.int("seed") {
            guard seed >= 0 else { throw JSONRPCError.invalidParams("seed", "must not be negative") }
            faults.seed = UInt64(seed)
        }
        return faults
    }

    private static func json(_ faults: SandboxFaults) -> [String: Any] {
        [
            "rate_limit_per_second": faults.rateLimitPerSecond ?? NSNull(),
            "retry_after_seconds": faults.retryAfterSeconds,
            "server_error_rate": faults.serverErrorRate,
            "drop_connection_rate": faults.dropConnectionRate,
            "truncated_body_rate": faults.truncatedBodyRate,
            "rate_limited_rate": faults.rateLimitedRate,
            "added_latency_ms": faults.addedLatency.milliseconds,
            "failing_methods": faults.failingMethods.sorted(),
            "lost_answer_methods": faults.lostAnswerMethods.sorted(),
            "seed": Int(clamping: faults.seed),
        ]
    }
}
