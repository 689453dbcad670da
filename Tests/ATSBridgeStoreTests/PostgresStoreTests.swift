import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeStorePostgres
import Foundation
import PostgresNIO
import Testing

/// What only the PostgreSQL store has to get right: its URL, its start-up and connection
/// failures, and several stores (instances) on one database at once. The shared behaviour is
/// the contract suite's, which runs against both backends.
@Suite struct PostgresStoreTests {
    @Test(arguments: [
        "mysql://u:hunter2secret@h/db",
        "postgres://:hunter2secret@h/db",
        "postgres://u:hunter2secret@/db",
        "postgres://u:hunter2secret@h:99999/db",
        "postgres://u:hunter2secret@h/db?sslmode=maybe",
        "postgres://u:hunter2secret@h/db?application=x",
        "postgres://u:hunter2secret@h/a/b",
        "not a url at all hunter2secret",
    ])
    func badURLsAreTypedErrorsWithoutThePassword(url: String) {
        #expect {
            _ = try PostgresStoreConfiguration(url: url)
        } throws: { error in
            guard let error = error as? ATSBridgeError else { return false }
            return error.code == .inputInvalid && !"\(error)".contains("hunter2secret")
                && error.message.contains("PostgreSQL store URL")
        }
    }

    @Test func urlsParseWithDefaultsAndPercentEncoding() throws {
        let full = try PostgresStoreConfiguration(
            url: "postgresql://app%40x:p%2Fss@db.internal:6432/ats?sslmode=require"
        )
        #expect(full.username == "app@x" && full.host == "db.internal" && full.port == 6432)
        #expect(full.database == "ats" && full.tlsMode == .require)
        #expect(full.endpoint == "db.internal:6432/ats" && !"\(full)".contains("p/ss"))
        let short = try PostgresStoreConfiguration(url: "postgres://atsbridge@[::1]")
        #expect(short.host == "::1" && short.port == 5432 && short.database == "atsbridge" && short.tlsMode == .prefer)
        #expect(short.endpoint == "[::1]:5432/atsbridge")
        #expect(short.maximumConnections == 16 && short.connectTimeout == .seconds(10))
    }

    @Test func aWrongPasswordNamesTheHostNeverThePassword() async throws {
        let good = try PostgresTestServer.configuration()
        let url = "postgres://\(good.username):Wr0ngPassw0rd@\(good.host):\(good.port)/\(good.database)?sslmode=disable"
        let error = await #expect(throws: ATSBridgeError.self) {
            _ = try await PostgresStore(
                configuration: try PostgresStoreConfiguration(url: url),
                logger: PostgresTestServer.logger
            )
        }
        #expect(error?.code == .storeUnavailable)
        #expect(error?.message.contains("\(good.host):\(good.port)/\(good.database)") == true)
        #expect(error?.message.contains("login was refused") == true)
        #expect(!"\(String(describing: error)) \(String(reflecting: error))".contains("Wr0ngPassw0rd"))
    }

    @Test func anUnreachableServerIsAClearStartUpError() async throws {
        // A port nothing listens on: bound, then closed.
        let port = try Self.closedPort()
        var configuration = try PostgresStoreConfiguration(
            url: "postgres://u:S3cretPw@127.0.0.1:\(port)/db?sslmode=disable"
        )
        configuration.connectTimeout = .seconds(3)
        let error = await #expect(throws: ATSBridgeError.self) {
            _ = try await PostgresStore(configuration: configuration, logger: PostgresTestServer.logger)
        }
        #expect(error?.code == .storeUnavailable)
        #expect(error?.message.contains("127.0.0.1:\(port)/db") == true)
        #expect(error?.message.contains("cannot be reached") == true)
        #expect(!"\(String(describing: error))".contains("S3cretPw"))
    }

    @Test func aConnectionLostMidCallIsUnavailableAndThePoolRecovers() async throws {
        let store = try await PostgresTestServer.makeStore()
        let database = store.configuration.database
        try await store.saveIntegration(
            StoredIntegration(integration: Integration(id: "int-a", status: .active), encryptedCredentials: [1])
        )
        // Another session holds a lock the store's next call waits for; that call's backend
        // is then killed, as a failover or a network cut would.
        try await PostgresTestServer.admin(database: database) { blocker in
            _ = try await blocker.query("BEGIN", logger: PostgresTestServer.logger)
            _ = try await blocker.query(
                "LOCK TABLE integrations IN ACCESS EXCLUSIVE MODE",
                logger: PostgresTestServer.logger
            )
            let call = Task { try await store.integrations() }
            let terminated = try await Self.poll {
                let rows = try await blocker.query(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = \(database) AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
                    """,
                    logger: PostgresTestServer.logger
                )
                var count = 0
                for try await _ in rows { count += 1 }
                return count > 0
            }
            #expect(terminated)
            let error = await #expect(throws: ATSBridgeError.self) { _ = try await call.value }
            #expect(error?.code.status == .unavailable)
            #expect(error?.message.contains(database) == true)
            _ = try await blocker.query("COMMIT", logger: PostgresTestServer.logger)
        }
        #expect(try await store.integrations().map(\.integration.id) == ["int-a"])
        await store.close()
    }

    @Test func concurrentStartsMigrateOnceUnderTheAdvisoryLock() async throws {
        let configuration = try await PostgresTestServer.emptyDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await PostgresStore(configuration: configuration, logger: PostgresTestServer.logger)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 3)
        let names = try await PostgresTestServer.admin(database: configuration.database) { connection in
            var names: [String] = []
            for try await name in try await connection.query(
                "SELECT name FROM schema_migrations ORDER BY name",
                logger: PostgresTestServer.logger
            ).decode(String.self) {
                names.append(name)
            }
            return names
        }
        #expect(names == Array(Set(names)).sorted() && names.contains("v1"))
        for store in stores { await store.close() }
    }

    @Test func concurrentIdempotencyClaimsOnTwoInstancesHaveOneWinner() async throws {
        let configuration = try await PostgresTestServer.freshDatabase()
        let one = try await PostgresStore(configuration: configuration, logger: PostgresTestServer.logger)
        let two = try await PostgresStore(configuration: configuration, logger: PostgresTestServer.logger)
        let record = IdempotencyRecord(
            integrationID: "int-a",
            key: "k",
            requestHash: [1, 2],
            response: nil,
            createdAt: 5
        )
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                let store = index.isMultiple(of: 2) ? one : two
                group.addTask { try await store.claimIdempotencyKey(record) == nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
        await one.close()
        await two.close()
    }

    @Test func anExpiredLeaseIsTakenOverByExactlyOneInstance() async throws {
        let configuration = try await PostgresTestServer.freshDatabase()
        let one = try await PostgresStore(configuration: configuration, logger: PostgresTestServer.logger)
        let two = try await PostgresStore(configuration: configuration, logger: PostgresTestServer.logger)
        #expect(try await one.acquireSyncLease(integrationID: "int-a", owner: "dead", until: 100, at: 0))
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                let store = index.isMultiple(of: 2) ? one : two
                group.addTask {
                    try await store.acquireSyncLease(
                        integrationID: "int-a",
                        owner: "owner-\(index)",
                        until: 900,
                        at: 200
                    )
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
        // What one instance saves, the other reads.
        try await one.saveIntegration(
            StoredIntegration(integration: Integration(id: "int-a", status: .active), encryptedCredentials: [3])
        )
        #expect(try await two.integration(id: "int-a")?.encryptedCredentials == [3])
        await one.close()
        await two.close()
    }

    @Test func changeSequencesFollowCommitOrderUnderConcurrentWriters() async throws {
        let configuration = try await PostgresTestServer.freshDatabase()
        let one = try await PostgresStore(configuration: configuration, logger: PostgresTestServer.logger)
        let two = try await PostgresStore(configuration: configuration, logger: PostgresTestServer.logger)
        let integration = "int-a"
        let (writers, batches, perBatch) = (2, 12, 25)
        let total = writers * batches * perBatch
        // A watch on instance two, polling as `Changes.Watch` does.
        let reader = Task { () -> [UInt64] in
            var seen: [UInt64] = []
            let deadline = ContinuousClock.now + .seconds(120)
            while seen.count < total, ContinuousClock.now < deadline {
                let events = try await two.changes(integrationID: integration, after: seen.last ?? 0, limit: 1_000)
                seen += events.map(\.sequence)
                if events.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            }
            return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                let store = writer == 0 ? one : two
                group.addTask {
                    for batch in 0..<batches {
                        let candidates = (0..<perBatch).map { index in
                            let remote = "w\(writer)-b\(batch)-\(index)"
                            return Candidate(
                                id: RecordID.make(integrationID: integration, model: .candidate, remoteID: remote),
                                remoteID: remote,
                                firstName: "Writer \(writer)"
                            )
                        }
                        _ = try await store.upsert(
                            .candidates(candidates),
                            integrationID: integration,
                            at: Int64(batch + 1)
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = try await reader.value
        #expect(seen == Array(1...UInt64(total)), "every sequence once, in order, none skipped")
        #expect(try await one.lastChangeSequence(integrationID: integration) == UInt64(total))
        await one.close()
        await two.close()
    }

    @Test func bothBackendsSendTheSameBytesBeforeAndAfterViewsAreKept() async throws {
        let fixture = StoreFixture()
        let sqlite = try await StoreKind.sqlite.make()
        let postgres = try await PostgresTestServer.makeStore()
        func snapshot(_ store: any Store) async throws -> [[UInt8]] {
            var all: [[UInt8]] = []
            for model in [Model.user, .job, .candidate, .applicationStage, .application, .tag, .candidateTag]
                + [.jobApplicationStage, .jobHiringTeamMember]
            {
                var query = RecordQuery(integrationID: fixture.integrationID, model: model, pageSize: 2)
                query.includeDeleted = true
                while true {
                    let page = try await store.page(query)
                    all += page.records
                    guard let next = page.nextCursor else { break }
                    query.cursor = next
                }
            }
            return all
        }
        func refreshAll(_ store: any Store) async throws {
            guard let cache = store as? any NestedViewCache else { return }
            while try await cache.refreshStaleViews(limit: 2) == 2 {}
        }
        for store in [sqlite, postgres] {
            try await fixture.load(into: store)
            var candidates = fixture.candidates
            candidates[0].title = "Lead"
            _ = try await store.upsert(.candidates(candidates), integrationID: fixture.integrationID, at: 2_000)
            _ = try await store.markMissing(
                integrationID: fixture.integrationID,
                model: .candidateTag,
                seenIDs: [],
                at: 3_000
            )
        }
        let assembled = try await snapshot(postgres)
        #expect(assembled == (try await snapshot(sqlite)))
        try await refreshAll(postgres)
        try await refreshAll(sqlite)
        #expect(try await snapshot(postgres) == assembled)
        #expect(try await snapshot(sqlite) == assembled)
        #expect(
            try await postgres.changes(integrationID: fixture.integrationID, after: 0, limit: 1_000).map(\.ids)
                == (try await sqlite.changes(integrationID: fixture.integrationID, after: 0, limit: 1_000).map(\.ids))
        )
        await postgres.close()
    }

    @Test func aBatchNamingOneRecordTwiceKeepsTheLast() async throws {
        let store = try await PostgresTestServer.makeStore()
        let fixture = StoreFixture()
        var candidates = fixture.candidates
        var again = candidates[0]
        again.title = "Second"
        candidates.append(again)
        let result = try await store.upsert(.candidates(candidates), integrationID: fixture.integrationID, at: 1_000)
        #expect(Set(result.created) == Set(fixture.candidates.map(\.id)))
        let stored = try await store.get(Candidate.self, .candidate, again.id, fixture.integrationID)
        #expect(stored?.title == "Second")
        await store.close()
    }

    @Test func theAuditLogRefusesUpdatesAndDeletes() async throws {
        let store = try await PostgresTestServer.makeStore()
        try await store.appendAudit(AuditEntry(at: 1, keyName: "k", method: "Admin.X", status: .ok))
        let database = store.configuration.database
        await store.close()
        for statement in ["UPDATE audit_log SET method = 'y'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
            await #expect(throws: (any Error).self, "\(statement)") {
                try await PostgresTestServer.admin(database: database) { connection in
                    _ = try await connection.query(
                        PostgresQuery(unsafeSQL: statement),
                        logger: PostgresTestServer.logger
                    )
                }
            }
        }
    }

    @Test func sslmodeRequireEncryptsEveryConnection() async throws {
        let plain = try await PostgresTestServer.freshDatabase()
        var url = "postgres://\(plain.username):\(try PostgresTestServer.password())@\(plain.host):\(plain.port)"
        url += "/\(plain.database)?sslmode=require"
        let store = try await PostgresStore(
            configuration: try PostgresStoreConfiguration(url: url),
            logger: PostgresTestServer.logger
        )
        try await store.saveIntegration(
            StoredIntegration(integration: Integration(id: "int-a", status: .active), encryptedCredentials: [1])
        )
        let encrypted = try await PostgresTestServer.admin { connection in
            var flags: [Bool] = []
            for try await ssl in try await connection.query(
                """
                SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
                WHERE a.datname = \(plain.database)
                """,
                logger: PostgresTestServer.logger
            ).decode(Bool.self) {
                flags.append(ssl)
            }
            return flags
        }
        #expect(!encrypted.isEmpty && encrypted.allSatisfy { $0 })
        await store.close()
    }

    @Test func sslmodeVerifyFullRefusesAnUntrustedCertificate() async throws {
        let plain = try await PostgresTestServer.freshDatabase()
        var url = "postgres://\(plain.username):\(try PostgresTestServer.password())@\(plain.host):\(plain.port)"
        url += "/\(plain.database)?sslmode=verify-full"
        let error = await #expect(throws: ATSBridgeError.self) {
            _ = try await PostgresStore(
                configuration: try PostgresStoreConfiguration(url: url),
                logger: PostgresTestServer.logger
            )
        }
        #expect(error?.code == .storeUnavailable)
        #expect(error?.message.contains(plain.endpoint) == true)
        #expect(error?.message.contains("TLS handshake failed") == true, "\(String(describing: error))")
    }

    @Test func callsAfterCloseAreUnavailable() async throws {
        let store = try await PostgresTestServer.makeStore()
        await store.close()
        let error = await #expect(throws: ATSBridgeError.self) { _ = try await store.integrations() }
        #expect(error?.code.status == .unavailable)
    }

    /// Polls `condition` every 20 ms until it holds, for at most 10 seconds.
    static func poll(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// A loopback port with no listener.
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(descriptor, raw, length) == 0, getsockname(descriptor, raw, &length) == 0 else {
                    throw ATSBridgeError(.internalError, "no free port")
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
