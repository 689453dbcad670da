import ATSBridgeCore
import ATSBridgeRPC
import CoreMetrics
import MetricsTestKit

/// The RPC metrics as the tests read them: a test backend bootstrapped once for the process.
/// Tests run in parallel, so they compare counts before and after, never absolute values.
enum LimitMetrics {
    private static let backend: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    /// Makes sure the backend is installed before a test's first metric.
    static func install() {
        _ = self.backend
    }

    /// How often `limit` was hit so far.
    static func hits(_ limit: RPCLimit) -> Int64 {
        (try? self.backend.expectCounter(MetricName.rpcLimitHits, [(MetricName.Label.limit, limit.rawValue)]))?
            .totalValue ?? 0
    }

    /// Finished calls of `method` with status `code` so far.
    static func calls(_ method: String, _ code: String) -> Int64 {
        let dimensions = [(MetricName.Label.method, method), (MetricName.Label.code, code)]
        return (try? self.backend.expectCounter(MetricName.rpcCalls, dimensions))?.totalValue ?? 0
    }
}
