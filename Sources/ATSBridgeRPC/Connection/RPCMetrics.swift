import ATSBridgeCore
import CoreMetrics

/// The RPC server's metrics, through swift-metrics (a no-op until the process bootstraps a
/// backend; `atsbridge serve` uses Prometheus):
///
/// - `atsbridge_rpc_calls_total{method, code}`: finished calls by final status;
/// - `atsbridge_rpc_call_duration_seconds{method}`: time from open to final status;
/// - `atsbridge_rpc_messages_sent_total{method}` and `atsbridge_rpc_bytes_sent_total{method}`:
///   response messages and their bytes, the stream throughput.
enum RPCMetrics {
    static func callFinished(method: String, code: StatusCodeName, duration: Duration) {
        Counter(
            label: MetricName.rpcCalls,
            dimensions: [(MetricName.Label.method, method), (MetricName.Label.code, code.rawValue)]
        )
        .increment()
        Timer(label: MetricName.rpcCallDuration, dimensions: [(MetricName.Label.method, method)])
            .recordNanoseconds(duration.nanoseconds)
    }

    static func messageSent(method: String, bytes: Int) {
        Counter(label: MetricName.rpcMessagesSent, dimensions: [(MetricName.Label.method, method)]).increment()
        Counter(label: MetricName.rpcBytesSent, dimensions: [(MetricName.Label.method, method)]).increment(by: bytes)
    }

    /// A status code as a metric label.
    struct StatusCodeName {
        var rawValue: String
    }
}
