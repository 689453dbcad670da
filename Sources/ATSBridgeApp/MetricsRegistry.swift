public import CoreMetrics
import Prometheus

/// The process's metrics, kept for the Prometheus text format: the `atsbridge` command (its
/// `main`) bootstraps swift-metrics with ``factory`` once, and the `/metrics` endpoint serves
/// what every library reported through swift-metrics.
public final class MetricsRegistry: Sendable {
    private let registry = PrometheusCollectorRegistry()

    /// Creates an empty registry.
    public init() {}

    /// The factory to pass to `MetricsSystem.bootstrap`, once per process.
    public var factory: any MetricsFactory { PrometheusMetricsFactory(registry: self.registry) }

    /// Every metric, in the Prometheus text exposition format.
    func exposition() -> [UInt8] { self.registry.emitToBuffer() }
}
