package import ATSBridgeCore
import Synchronization

/// The server-wide limits a call passes after authorization: its key's request rate, and for
/// write methods the cap on writes running at once. Refusals are RESOURCE_EXHAUSTED, counted in
/// `atsbridge_rpc_limit_hits_total`.
package final class CallAdmission: Sendable {
    private struct State {
        var buckets: [String: TokenBucket] = [:]
        var writes = 0
    }

    private let requestsPerSecond: Int
    private let burst: Int
    private let maxConcurrentWrites: Int
    private let state = Mutex(State())

    /// Admission with these limits; `requestsPerSecond` 0 lets every key call without a rate.
    package init(requestsPerSecond: Int, burst: Int, maxConcurrentWrites: Int) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
        self.maxConcurrentWrites = maxConcurrentWrites
    }

    /// Admits a call of `principal` to a method with `access`.
    ///
    /// - Returns: Whether the call took a place under the write cap, to give back with
    ///   ``writeFinished()`` when it ends.
    /// - Throws: RESOURCE_EXHAUSTED (`PLATFORM.RATE_LIMIT_EXCEEDED` over the key's rate,
    ///   `PLATFORM.RESOURCE_EXHAUSTED` over the write cap).
    package func admit(_ principal: Principal, access: AccessLevel) throws(ATSBridgeError) -> Bool {
        let isWrite = access == .write
        let keyed = principal.access > .none && self.requestsPerSecond > 0
        let now = ContinuousClock.now
        let refusal = self.state.withLock { state -> RPCLimit? in
            if keyed {
                var bucket =
                    state.buckets[principal.keyName]
                    ?? TokenBucket(rate: Double(self.requestsPerSecond), burst: Double(self.burst), now: now)
                let allowed = bucket.take(now: now)
                state.buckets[principal.keyName] = bucket
                guard allowed else { return .keyRate }
            }
            if isWrite {
                guard state.writes < self.maxConcurrentWrites else { return .concurrentWrites }
                state.writes += 1
            }
            return nil
        }
        switch refusal {
        case .keyRate?:
            RPCMetrics.limitHit(.keyRate)
            throw ATSBridgeError(
                .rateLimitExceeded,
                "the API key made more than \(self.requestsPerSecond) requests a second; retry later"
            )
        case let limit?:
            RPCMetrics.limitHit(limit)
            throw ATSBridgeError(
                .resourceExhausted,
                "the server runs its maximum of \(self.maxConcurrentWrites) writes at once; retry later"
            )
        case nil:
            return isWrite
        }
    }

    /// A write admitted by ``admit(_:access:)`` ended.
    package func writeFinished() {
        self.state.withLock { $0.writes -= 1 }
    }
}
