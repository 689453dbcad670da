/// The metric names and their labels, one stable list for operators (docs/operations.md). The
/// names are Prometheus-style (`atsbridge_<area>_<what>`), as the `/metrics` endpoint serves
/// them; they are documented user-facing names and do not change.
public enum MetricName {
    /// Finished RPC calls, by `method` and `code` (the gRPC status name). Counter.
    public static let rpcCalls = "atsbridge_rpc_calls_total"
    /// RPC call durations, by `method`. Timer (seconds).
    public static let rpcCallDuration = "atsbridge_rpc_call_duration_seconds"
    /// Response messages sent, by `method`. Counter.
    public static let rpcMessagesSent = "atsbridge_rpc_messages_sent_total"
    /// Response bytes sent, by `method`. Counter.
    public static let rpcBytesSent = "atsbridge_rpc_bytes_sent_total"
    /// Times an abuse limit was hit, by `limit` (docs/security.md, Limits). Counter.
    public static let rpcLimitHits = "atsbridge_rpc_limit_hits_total"
    /// Bytes of request messages held server-wide, read and not yet released by their calls.
    /// Gauge.
    public static let rpcBufferedRequestBytes = "atsbridge_rpc_buffered_request_bytes"
    /// Gauge: when the TLS certificate in use expires, in seconds since 1970 (absent without TLS).
    public static let tlsCertificateExpiry = "atsbridge_tls_certificate_expiry_timestamp_seconds"
    /// Gauge: bytes of pages read for lists and not yet written to their sockets, server-wide.
    public static let rpcBufferedResponseBytes = "atsbridge_rpc_buffered_response_bytes"

    /// Finished sync runs, by `type` and `state`. Counter.
    public static let syncRuns = "atsbridge_sync_runs_total"
    /// Durations of sync runs that started, by `type`. Timer (seconds).
    public static let syncDuration = "atsbridge_sync_duration_seconds"
    /// Records synced, by `change` (`created`, `updated`, `deleted`). Counter.
    public static let syncRecords = "atsbridge_sync_records_total"
    /// Requests syncs sent to the remote ATS (retries and logins included). Counter.
    public static let syncRemoteRequests = "atsbridge_sync_remote_requests_total"
    /// Requests of syncs the remote answered 429 (rate limited). Counter.
    public static let syncRateLimited = "atsbridge_sync_rate_limited_total"
    /// Requests per second the last run of an integration achieved, by `integration`. Gauge.
    public static let syncEffectiveRate = "atsbridge_sync_effective_requests_per_second"
    /// The adaptive request rate at the end of an integration's last run, by `integration`.
    /// Gauge.
    public static let syncRateLimit = "atsbridge_sync_requests_per_second_limit"

    /// The labels.
    public enum Label {
        /// An RPC method.
        public static let method = "method"
        /// A gRPC status name.
        public static let code = "code"
        /// An abuse limit (docs/security.md, Limits).
        public static let limit = "limit"
        /// A sync type.
        public static let type = "type"
        /// A sync run's final state.
        public static let state = "state"
        /// A kind of record change.
        public static let change = "change"
        /// An integration id.
        public static let integration = "integration"
    }
}
