import ATSBridgeCore
import ATSBridgeProto
import CoreMetrics

/// The RPC server's metrics, through swift-metrics (a no-op until the process bootstraps a
/// backend; `atsbridge serve` uses Prometheus):
///
/// - `atsbridge_rpc_calls_total{method, code}`: finished calls by final status, including calls
///   refused at CALL_OPEN (method `unknown` when the name is not one the server serves);
/// - `atsbridge_rpc_call_duration_seconds{method}`: time from open to final status;
/// - `atsbridge_rpc_messages_sent_total{method}` and `atsbridge_rpc_bytes_sent_total{method}`:
///   response messages and their bytes, the stream throughput;
/// - `atsbridge_rpc_limit_hits_total{limit}`: abuse limits hit (``RPCLimit``);
/// - `atsbridge_rpc_buffered_request_bytes`: request bytes held server-wide;
/// - `atsbridge_rpc_buffered_response_bytes`: bytes of pages read and not yet sent, server-wide;
/// - `atsbridge_tls_certificate_expiry_timestamp_seconds`: when the TLS certificate expires.
package enum RPCMetrics {
    static func callFinished(method: String, code: StatusCodeName, duration: Duration) {
        Counter(
            label: MetricName.rpcCalls,
            dimensions: [(MetricName.Label.method, method), (MetricName.Label.code, code.rawValue)]
        )
        .increment()
        Timer(label: MetricName.rpcCallDuration, dimensions: [(MetricName.Label.method, method)])
            .recordNanoseconds(duration.nanoseconds)
    }

    /// A call that ended before a handler ran (refused at CALL_OPEN, reset, timed out).
    static func callRefused(method: String, code: StatusCode) {
        Counter(
            label: MetricName.rpcCalls,
            dimensions: [(MetricName.Label.method, method), (MetricName.Label.code, code.name ?? "UNKNOWN")]
        )
        .increment()
    }

    static func messageSent(method: String, bytes: Int) {
        Counter(label: MetricName.rpcMessagesSent, dimensions: [(MetricName.Label.method, method)]).increment()
        Counter(label: MetricName.rpcBytesSent, dimensions: [(MetricName.Label.method, method)]).increment(by: bytes)
    }

    /// An abuse limit was hit.
    package static func limitHit(_ limit: RPCLimit) {
        Counter(label: MetricName.rpcLimitHits, dimensions: [(MetricName.Label.limit, limit.rawValue)]).increment()
    }

    /// The request bytes held server-wide changed.
    static func bufferedRequestBytes(_ bytes: Int) {
        Gauge(label: MetricName.rpcBufferedRequestBytes).record(bytes)
    }

    /// The bytes of pages read and not yet sent, server-wide, changed.
    package static func bufferedResponseBytes(_ bytes: Int) {
        self.bufferedResponseGauge.record(bytes)
    }

    /// Made once (on first use, after the process bootstrapped its backend): it is recorded at
    /// every page, under the budget's lock.
    private static let bufferedResponseGauge = Gauge(label: MetricName.rpcBufferedResponseBytes)

    /// The TLS certificate in use expires at `seconds` since 1970.
    package static func tlsCertificateExpiry(_ seconds: Double) {
        Gauge(label: MetricName.tlsCertificateExpiry).record(seconds)
    }

    /// A status code as a metric label.
    struct StatusCodeName {
        var rawValue: String
    }
}
