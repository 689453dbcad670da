import ATSBridgeCore
import Logging
import NIOCore
import PostgresNIO

/// The PostgreSQL schema, versioned like the SQLite store's: each migration runs once, in
/// order, in its own transaction, and is recorded in `schema_migrations`. Several instances
/// starting at once take turns on an advisory lock, so exactly one runs each migration.
///
/// Text columns compare with the "C" collation (bytes), as SQLite does: keyset paging by id
/// gives the same order on every server whatever its locale. Names and emails are matched on
/// keys the store lower-cases itself (``RecordRow``), never by the server's locale.
enum PostgresMigrations {
    /// The advisory lock key of migrations (the bytes of "ATSBmigr").
    static let lockKey: Int64 = 0x4154_5342_6D69_6772

    /// Migrations by name, in order. Never edit one that has shipped: add a new one at the end.
    static let all: [(name: String, statements: [String])] = [
        ("v1", v1),
        ("v2-source-hashes", v2SourceHashes),
    ]

    /// Runs the migrations not yet recorded, under the advisory lock, and returns the store's
    /// cursor secret (made by the first start).
    static func run(on connection: PostgresConnection, logger: Logger) async throws -> [UInt8] {
        try await connection.run("SELECT pg_advisory_lock(\(self.lockKey))", logger: logger)
        do {
            try await connection.run(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name TEXT COLLATE "C" PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """,
                logger: logger
            )
            var applied = Set<String>()
            for row in try await connection.rows("SELECT name FROM schema_migrations", logger: logger) {
                applied.insert(try row.decode(String.self))
            }
            for migration in self.all where !applied.contains(migration.name) {
                let name = migration.name
                try await connection.withTransaction(logger: logger) { connection in
                    for statement in migration.statements {
                        try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.run("INSERT INTO schema_migrations (name) VALUES (\(name))", logger: logger)
                }
                logger.notice("PostgreSQL store migrated", metadata: ["migration": "\(name)"])
            }
            let secret = ByteBuffer(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
            try await connection.run(
                "INSERT INTO meta (key, value) VALUES ('cursor_secret', \(secret)) ON CONFLICT (key) DO NOTHING",
                logger: logger
            )
            let stored = try await connection.rows("SELECT value FROM meta WHERE key = 'cursor_secret'", logger: logger)
            guard let buffer = try stored.first?.decode(ByteBuffer.self), buffer.readableBytes == 32 else {
                throw ATSBridgeError(.storeCorrupt, "the PostgreSQL store's cursor secret is missing")
            }
            try await connection.run("SELECT pg_advisory_unlock(\(self.lockKey))", logger: logger)
            return Array(buffer.readableBytesView)
        } catch {
            // Closing the connection releases the lock too; this only frees it sooner.
            _ = try? await connection.run("SELECT pg_advisory_unlock(\(self.lockKey))", logger: logger)
            throw error
        }
    }

    /// The schema of SQLite's migrations v1 to v6, in PostgreSQL's types.
    private static let v1: [String] = [
        #"CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL)"#,
        // Every record of every model. `view`: the kept nested views, NULL when stale.
        #"""
        CREATE TABLE records (
            integration_id TEXT COLLATE "C" NOT NULL,
            model INTEGER NOT NULL,
            id TEXT COLLATE "C" NOT NULL,
            remote_id TEXT COLLATE "C",
            changed_at BIGINT NOT NULL,
            touched_at BIGINT NOT NULL,
            remote_deleted_at BIGINT,
            hash BYTEA NOT NULL,
            data BYTEA NOT NULL,
            name TEXT COLLATE "C",
            search TEXT COLLATE "C",
            first_name TEXT COLLATE "C",
            last_name TEXT COLLATE "C",
            first_name_key TEXT COLLATE "C",
            last_name_key TEXT COLLATE "C",
            email TEXT COLLATE "C",
            status INTEGER,
            employment_type INTEGER,
            visibility INTEGER,
            outcome INTEGER,
            outcome_raw TEXT COLLATE "C",
            candidate_id TEXT COLLATE "C",
            job_id TEXT COLLATE "C",
            stage_id TEXT COLLATE "C",
            tag_id TEXT COLLATE "C",
            user_id TEXT COLLATE "C",
            stage_index INTEGER,
            pii_blanked BOOLEAN NOT NULL DEFAULT false,
            view BYTEA,
            PRIMARY KEY (integration_id, model, id)
        )
        """#,
        // Record bytes are read whole on every page: keep them inline, not compressed.
        "ALTER TABLE records ALTER COLUMN data SET STORAGE EXTERNAL",
        "ALTER TABLE records ALTER COLUMN view SET STORAGE EXTERNAL",
        "CREATE INDEX records_remote_id ON records (integration_id, model, remote_id)",
        "CREATE INDEX records_touched ON records (integration_id, model, touched_at)",
        """
        CREATE INDEX records_candidate ON records (integration_id, model, candidate_id)
            WHERE candidate_id IS NOT NULL
        """,
        "CREATE INDEX records_job ON records (integration_id, model, job_id) WHERE job_id IS NOT NULL",
        "CREATE INDEX records_stage ON records (integration_id, model, stage_id) WHERE stage_id IS NOT NULL",
        "CREATE INDEX records_search ON records (integration_id, model, search) WHERE search IS NOT NULL",
        """
        CREATE INDEX records_names ON records (integration_id, model, first_name_key, last_name_key)
            WHERE first_name_key IS NOT NULL
        """,
        """
        CREATE INDEX records_deleted ON records (model, remote_deleted_at)
            WHERE remote_deleted_at IS NOT NULL AND NOT pii_blanked
        """,
        "CREATE INDEX records_stale_views ON records (integration_id, model, id) WHERE view IS NULL AND model IN (2, 3, 5)",
        // Every email address of every candidate, lower-cased, for the email filter.
        #"""
        CREATE TABLE candidate_emails (
            integration_id TEXT COLLATE "C" NOT NULL,
            email TEXT COLLATE "C" NOT NULL,
            candidate_id TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (integration_id, email, candidate_id)
        )
        """#,
        "CREATE INDEX candidate_emails_candidate ON candidate_emails (integration_id, candidate_id)",
        // The change log. Sequences are per integration, taken from `change_counters` in the
        // writing transaction: the counter row's lock orders writers, so sequences follow commit
        // order and a reader polling `sequence > n` on any instance never skips one.
        #"""
        CREATE TABLE changes (
            integration_id TEXT COLLATE "C" NOT NULL,
            sequence BIGINT NOT NULL,
            model INTEGER NOT NULL,
            record_id TEXT COLLATE "C" NOT NULL,
            kind INTEGER NOT NULL,
            committed_at BIGINT NOT NULL,
            PRIMARY KEY (integration_id, sequence)
        )
        """#,
        #"CREATE TABLE change_counters (integration_id TEXT COLLATE "C" PRIMARY KEY, last BIGINT NOT NULL)"#,
        #"""
        CREATE TABLE integrations (id TEXT COLLATE "C" PRIMARY KEY, data BYTEA NOT NULL, credentials BYTEA NOT NULL)
        """#,
        #"""
        CREATE TABLE sync_runs (
            id TEXT COLLATE "C" PRIMARY KEY,
            integration_id TEXT COLLATE "C" NOT NULL,
            queued_at BIGINT NOT NULL,
            data BYTEA NOT NULL
        )
        """#,
        "CREATE INDEX sync_runs_history ON sync_runs (integration_id, queued_at, id)",
        #"""
        CREATE TABLE api_keys (
            name TEXT COLLATE "C" PRIMARY KEY,
            sha256 TEXT COLLATE "C" NOT NULL UNIQUE,
            access INTEGER NOT NULL,
            integrations TEXT COLLATE "C",
            origin INTEGER NOT NULL DEFAULT 1,
            created_at BIGINT,
            last_used_at BIGINT
        )
        """#,
        #"""
        CREATE TABLE idempotency_keys (
            integration_id TEXT COLLATE "C" NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            request_hash BYTEA NOT NULL,
            response BYTEA,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (integration_id, key)
        )
        """#,
        "CREATE INDEX idempotency_created ON idempotency_keys (created_at)",
        // One sync of an integration at a time, across every instance.
        #"""
        CREATE TABLE sync_leases (
            integration_id TEXT COLLATE "C" PRIMARY KEY,
            owner TEXT COLLATE "C" NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """#,
        #"""
        CREATE TABLE created_here (
            integration_id TEXT COLLATE "C" NOT NULL,
            model INTEGER NOT NULL,
            remote_id TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (integration_id, model, remote_id)
        )
        """#,
        // The audit log is append-only: a trigger refuses updates and deletes.
        #"""
        CREATE TABLE audit_log (
            sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at BIGINT NOT NULL,
            key_name TEXT COLLATE "C" NOT NULL,
            method TEXT COLLATE "C" NOT NULL,
            integration_id TEXT COLLATE "C",
            target_ids TEXT COLLATE "C" NOT NULL,
            status INTEGER NOT NULL,
            error_code TEXT COLLATE "C"
        )
        """#,
        "CREATE INDEX audit_log_integration ON audit_log (integration_id, sequence)",
        """
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$
        """,
        """
        CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
        """,
    ]

    /// The fingerprints of remote sources (`SourceHashStore`); `deleteIntegration` removes them
    /// with their integration. Related ids are two parallel arrays: models and ids.
    private static let v2SourceHashes: [String] = [
        #"""
        CREATE TABLE source_hashes (
            integration_id TEXT COLLATE "C" NOT NULL,
            model INTEGER NOT NULL,
            remote_id TEXT COLLATE "C" NOT NULL,
            hash BYTEA NOT NULL,
            record_id TEXT COLLATE "C" NOT NULL,
            record_hash BYTEA NOT NULL,
            related_models INTEGER[] NOT NULL,
            related_ids TEXT[] COLLATE "C" NOT NULL,
            PRIMARY KEY (integration_id, model, remote_id)
        )
        """#
    ]
}
