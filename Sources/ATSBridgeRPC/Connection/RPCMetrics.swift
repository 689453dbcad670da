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
        Counter(label: "atsbridge_rpc_calls_total", dimensions: [("method", method), ("code", code.rawValue)])
            .increment()
        Timer(label: "atsbridge_rpc_call_duration_seconds", dimensions: [("method", method)])
            .recordNanoseconds(
                duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
            )
    }

    static func messageSent(method: String, bytes: Int) {
        Counter(label: "atsbridge_rpc_messages_sent_total", dimensions: [("method", method)]).increment()
        Counter(label: "atsbridge_rpc_bytes_sent_total", dimensions: [("method", method)]).increment(by: bytes)
    }

    /// A status code as a metric label.
    struct StatusCodeName {
        var rawValue: String
    }
}
