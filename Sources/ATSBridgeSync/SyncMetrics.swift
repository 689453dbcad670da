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
            label: "atsbridge_sync_runs_total",
            dimensions: [("type", type), ("state", run.state?.name ?? "UNKNOWN")]
        )
        .increment()
        if let started = run.startedAt, let finished = run.finishedAt {
            Timer(label: "atsbridge_sync_duration_seconds", dimensions: [("type", type)])
                .recordMilliseconds(finished - started)
        }
        for (change, count) in [("created", run.created), ("updated", run.updated), ("deleted", run.deleted)] {
            if let count, count > 0 {
                Counter(label: "atsbridge_sync_records_total", dimensions: [("change", change)])
                    .increment(by: Int(clamping: count))
            }
        }
    }
}
