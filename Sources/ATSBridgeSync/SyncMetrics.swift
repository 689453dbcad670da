import ATSBridgeCore
import ATSBridgeProto
import CoreMetrics

/// The sync engine's metrics, through swift-metrics:
///
/// - `atsbridge_sync_runs_total{type, state}`: finished runs;
/// - `atsbridge_sync_duration_seconds{type}`: time from start to finish of runs that started;
/// - `atsbridge_sync_records_total{change}`: records created, updated and deleted;
/// - `atsbridge_sync_remote_requests_total` and `atsbridge_sync_rate_limited_total`: requests
///   syncs sent to the remote ATS, and how many it answered 429;
/// - `atsbridge_sync_effective_requests_per_second{integration}` and
///   `atsbridge_sync_requests_per_second_limit{integration}`: the last run's achieved rate and
///   its adaptive rate at the end.
enum SyncMetrics {
    static func runFinished(_ run: SyncRun) {
        let type = run.type?.name ?? "UNSPECIFIED"
        Counter(
            label: MetricName.syncRuns,
            dimensions: [(MetricName.Label.type, type), (MetricName.Label.state, run.state?.name ?? "UNKNOWN")]
        )
        .increment()
        if let started = run.startedAt, let finished = run.finishedAt {
            Timer(label: MetricName.syncDuration, dimensions: [(MetricName.Label.type, type)])
                .recordMilliseconds(finished - started)
        }
        if let requests = run.remoteRequests, requests > 0 {
            Counter(label: MetricName.syncRemoteRequests).increment(by: Int(clamping: requests))
        }
        if let limited = run.rateLimitedResponses, limited > 0 {
            Counter(label: MetricName.syncRateLimited).increment(by: Int(clamping: limited))
        }
        let integration = [(MetricName.Label.integration, run.integrationID ?? "")]
        if let rate = run.effectiveRequestsPerSecond {
            Gauge(label: MetricName.syncEffectiveRate, dimensions: integration).record(rate)
        }
        if let limit = run.requestsPerSecondLimit {
            Gauge(label: MetricName.syncRateLimit, dimensions: integration).record(limit)
        }
        for (change, count) in [("created", run.created), ("updated", run.updated), ("deleted", run.deleted)] {
            if let count, count > 0 {
                Counter(label: MetricName.syncRecords, dimensions: [(MetricName.Label.change, change)])
                    .increment(by: Int(clamping: count))
            }
        }
    }
}
