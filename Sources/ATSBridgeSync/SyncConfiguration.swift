import ATSBridgeProto

/// Configuration of the sync engine. Every value has a documented default
/// (docs/configuration.md).
public struct SyncConfiguration: Sendable {
    /// Interval between scheduled syncs of an integration whose settings name none.
    /// Defaults to 3 hours.
    public var defaultInterval: Duration = .seconds(3 * 3600)
    /// A scheduled sync is FULL (re-lists everything and tombstones what disappeared) when the
    /// last successful full sync is older than this; otherwise DELTA. Defaults to 24 hours.
    public var fullSyncInterval: Duration = .seconds(24 * 3600)
    /// How often the scheduler looks for due integrations. Defaults to 30 seconds.
    public var schedulerTick: Duration = .seconds(30)
    /// After a failed sync, the next is tried after this delay, doubling per consecutive
    /// failure up to the interval. Defaults to 5 minutes.
    public var retryDelay: Duration = .seconds(300)
    /// Syncs running at once across integrations; more wait in a queue. Defaults to 2.
    public var maxConcurrentSyncs = 2
    /// Records per remote list page (RECRU allows 1–200). 200 minimises requests. Defaults to
    /// 200.
    public var pageSize = 200
    /// Records written per store transaction. Larger transactions write each index page they
    /// touch once; a failed or killed sync loses at most one uncommitted batch, which the next
    /// sync rewrites. A sync holds up to two batches (one pending, one being written), about
    /// 4 KB of memory per record (docs/sync.md, "Configuration"). Defaults to 10,000.
    public var writeBatchSize = 10_000
    /// Skip mapping and writing remote records whose raw form did not change since a sync
    /// last mapped them (docs/sync.md, "Unchanged sources"). Defaults to true; false maps
    /// every record of every run, as before the skip existed.
    public var skipUnchangedSources = true
    /// Remote list pages fetched at once within one list. Defaults to 4.
    public var fetchConcurrency = 4
    /// A delta sync asks the remote for records changed since the last successful sync's start
    /// minus this margin, against clock skew (RECRU filters projects so). Defaults to 5
    /// minutes.
    public var deltaOverlap: Duration = .seconds(300)
    /// Consecutive syncs failing with `INTEGRATION.AUTHENTICATION_INVALID` before the
    /// integration is marked INVALID and its scheduled syncs stop. Defaults to 3.
    public var authenticationFailureLimit = 3
    /// How long a sync lease lasts unless renewed. A server that died while syncing (with
    /// another ``instanceID`` than the one taking over) blocks its integration at most this
    /// long after its last renewal. Defaults to 60 seconds.
    public var leaseDuration: Duration = .seconds(60)
    /// How often a running sync renews its lease, whatever it is waiting for; must be well
    /// under ``leaseDuration``. Defaults to 15 seconds.
    public var leaseRenewalInterval: Duration = .seconds(15)
    /// The setting "sync only created applications" of integrations that do not set it.
    /// Defaults to false: every candidate and application is mirrored.
    public var syncOnlyCreatedApplications = false
    /// The name this server holds sync leases under. A server restarted with the same id
    /// recognises the leases and runs it owned before it stopped, marks those runs FAILED
    /// ("interrupted") and syncs again at once, so the id must be stable across restarts and
    /// unique among the servers sharing a store. Defaults to a random id per engine (the
    /// server sets its host name, docs/configuration.md).
    public var instanceID = "sync-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    /// Request pacing per integration id, set by the operator's configuration; an
    /// integration's own settings (admin API) win over it. Defaults to none.
    public var integrationPacing: [String: IntegrationPacing] = [:]

    /// Creates the defaults.
    public init() {}
}

extension SyncConfiguration {
    /// The pacing of an integration's syncs: its own settings first, then the operator's
    /// per-integration configuration; `nil` fields take the server-wide defaults.
    func pacing(of integration: Integration) -> IntegrationPacing {
        let configured = self.integrationPacing[integration.id] ?? IntegrationPacing()
        let settings = integration.settings
        return IntegrationPacing(
            maxRequestsPerSecond: settings?.maxRequestsPerSecond ?? configured.maxRequestsPerSecond,
            fetchConcurrency: settings?.fetchConcurrency.map { Int($0) } ?? configured.fetchConcurrency
        )
    }
}
