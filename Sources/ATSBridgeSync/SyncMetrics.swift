import ATSBridgeCore
import ATSBridgeProto
import CoreMetrics

/// The sync engine's metrics, through swift-metrics:
///
/// - `atsbridge_sync_runs_total{type, state}`: finished runs;
/// - `atsbridge_sync_duration_seconds{type}`: time from start to finish of runs that started;
/// - `atsbridge_sync_records_total{change}`: records created, updated and deleted.
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
        for (change, count) in [("created", run.created), ("updated", run.updated), ("deleted", run.deleted)] {
            if let count, count > 0 {
                Counter(label: MetricName.syncRecords, dimensions: [(MetricName.Label.change, change)])
                    .increment(by: Int(clamping: count))
            }
        }
    }
}
