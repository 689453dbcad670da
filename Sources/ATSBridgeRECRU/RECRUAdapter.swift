public import ATSBridgeCore
public import ATSBridgeProto
public import Logging

/// RECRU behind Core's remote-ATS port: the one place that knows RECRU's JSON-RPC methods,
/// JSON shapes, paging and errors (docs/recru-jsonrpc.md, docs/mapping.md). The app wires it
/// into the sync engine and the write and admin services.
public final class RECRUAdapter: RemoteATS {
    private let configuration: RECRUAdapterConfiguration
    private let logger: Logger
    private let transport: @Sendable (RemoteATSAccount) -> any RECRUTransport
    private let writers: RECRUConnectionPool
    private let mappingVersion: UInt32

    /// An adapter reaching each integration's tenant over HTTP.
    public convenience init(configuration: RECRUAdapterConfiguration = RECRUAdapterConfiguration(), logger: Logger) {
        self.init(configuration: configuration, logger: logger) { RECRUHTTPTransport(baseURL: $0.tenantURL) }
    }

    /// An adapter reaching each integration's account through `transport` (tests pass the
    /// sandbox in-process); `mappingVersion` stands in for ``RECRUMapper/version`` in tests.
    package init(
        configuration: RECRUAdapterConfiguration,
        logger: Logger,
        mappingVersion: UInt32 = RECRUMapper.version,
        transport: @escaping @Sendable (RemoteATSAccount) -> any RECRUTransport
    ) {
        self.mappingVersion = mappingVersion
        self.configuration = configuration
        self.logger = logger
        self.transport = transport
        self.writers = RECRUConnectionPool { account in
            Self.client(account, configuration.write, transport(account), logger)
        }
    }

    /// `RECRU`.
    public var name: String { "RECRU" }

    /// What ATSBridge reads and writes for RECRU (docs/mapping.md).
    public var coverage: IntegrationCoverage { RECRUCoverage.coverage }

    /// RECRU's ids are positive whole numbers.
    public var remoteIDForm: String? { "a positive whole number without leading zeros" }

    /// Whether `id` is a positive whole number as RECRU writes it: ASCII digits, without a
    /// sign or leading zeros (`0007` would not equal the `7` RECRU lists).
    public func isRemoteID(_ id: String) -> Bool {
        guard let first = id.utf8.first, first != UInt8(ascii: "0"), Int(id) != nil else { return false }
        return id.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Time the write connections spent waiting for RECRU's answers, summed: the part of the
    /// writes' latency that is RECRU's, not ATSBridge's (for benchmarks and diagnostics).
    public var writeRemoteTime: Duration { self.writers.remoteTime }

    /// Logs in and lists one user: the credentials work and the API user may read.
    public func validateCredentials(_ account: RemoteATSAccount) async throws {
        var tuning = self.configuration.sync
        // A person is waiting for the answer: fail fast rather than retry for a minute.
        tuning.retry.maxAttempts = min(tuning.retry.maxAttempts ?? 3, 3)
        tuning.retry.unavailabilityBudget = min(tuning.retry.unavailabilityBudget, .seconds(15))
        tuning.requestTimeout = min(tuning.requestTimeout, .seconds(15))
        let client = Self.client(account, tuning, self.transport(account), self.logger)
        _ = try await client.call(.userList, ["page": 1, "limit": 1])
    }

    /// A fresh connection per sync; one shared connection per integration for writes.
    public func connection(to account: RemoteATSAccount, for use: RemoteATSUse) -> any RemoteATSConnection {
        let client =
            switch use {
            case .sync: Self.client(account, self.syncTuning(account), self.transport(account), self.logger)
            case .write: self.writers.client(for: account)
            }
        return RECRUConnection(
            client: client,
            mapper: RECRUMapper(integrationID: account.integrationID, version: self.mappingVersion)
        )
    }

    /// The sync tuning with the integration's own rate ceiling, when it has one.
    private func syncTuning(_ account: RemoteATSAccount) -> RECRUClientTuning {
        var tuning = self.configuration.sync
        if let rate = account.maxRequestsPerSecond, rate > 0 { tuning.requestsPerSecond = rate }
        return tuning
    }

    private static func client(
        _ account: RemoteATSAccount,
        _ tuning: RECRUClientTuning,
        _ transport: any RECRUTransport,
        _ logger: Logger
    ) -> RECRUClient {
        RECRUClient(
            configuration: RECRUClientConfiguration(
                baseURL: account.tenantURL,
                login: account.login,
                password: account.password,
                tuning: tuning
            ),
            transport: transport,
            logger: logger
        )
    }
}
