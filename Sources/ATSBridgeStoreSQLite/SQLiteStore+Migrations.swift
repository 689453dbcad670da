import ATSBridgeProto
import Foundation
import GRDB

extension SQLiteStore {
    /// Versioned migrations; each runs once, in order, in its own transaction.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;

                    -- Every record of every model, keyed by (integration, model, id). A rowid
                    -- table: rows of ~1 KB would make a WITHOUT ROWID b-tree split on every
                    -- random-id insert; here rows append and only the short key is indexed.
                    CREATE TABLE records (
                        row INTEGER PRIMARY KEY,
                        integration_id TEXT NOT NULL,
                        model INTEGER NOT NULL,
                        id TEXT NOT NULL,
                        remote_id TEXT,
                        changed_at INTEGER NOT NULL,
                        touched_at INTEGER NOT NULL,
                        remote_deleted_at INTEGER,
                        hash BLOB NOT NULL,
                        data BLOB NOT NULL,
                        name TEXT,
                        search TEXT,
                        first_name TEXT,
                        last_name TEXT,
                        first_name_key TEXT,
                        last_name_key TEXT,
                        email TEXT,
                        status INTEGER,
                        employment_type INTEGER,
                        visibility INTEGER,
                        outcome INTEGER,
                        outcome_raw TEXT,
                        candidate_id TEXT,
                        job_id TEXT,
                        stage_id TEXT,
                        tag_id TEXT,
                        user_id TEXT,
                        stage_index INTEGER,
                        pii_blanked INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE UNIQUE INDEX records_key ON records (integration_id, model, id);
                    CREATE INDEX records_remote_id ON records (integration_id, model, remote_id);
                    CREATE INDEX records_touched ON records (integration_id, model, touched_at);
                    CREATE INDEX records_candidate ON records (integration_id, model, candidate_id)
                        WHERE candidate_id IS NOT NULL;
                    CREATE INDEX records_job ON records (integration_id, model, job_id) WHERE job_id IS NOT NULL;
                    CREATE INDEX records_stage ON records (integration_id, model, stage_id) WHERE stage_id IS NOT NULL;
                    CREATE INDEX records_search ON records (integration_id, model, search) WHERE search IS NOT NULL;
                    CREATE INDEX records_names ON records (integration_id, model, first_name_key, last_name_key)
                        WHERE first_name_key IS NOT NULL;

                    -- Every email address of every candidate, lower-cased, for the email filter.
                    CREATE TABLE candidate_emails (
                        integration_id TEXT NOT NULL,
                        email TEXT NOT NULL,
                        candidate_id TEXT NOT NULL,
                        PRIMARY KEY (integration_id, email, candidate_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX candidate_emails_candidate ON candidate_emails (integration_id, candidate_id);

                    -- Append-only change log read by watch streams.
                    CREATE TABLE changes (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        integration_id TEXT NOT NULL,
                        model INTEGER NOT NULL,
                        record_id TEXT NOT NULL,
                        kind INTEGER NOT NULL,
                        committed_at INTEGER NOT NULL
                    );
                    CREATE INDEX changes_integration ON changes (integration_id, sequence);

                    CREATE TABLE integrations (
                        id TEXT PRIMARY KEY,
                        data BLOB NOT NULL,
                        credentials BLOB NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE sync_runs (
                        id TEXT PRIMARY KEY,
                        integration_id TEXT NOT NULL,
                        queued_at INTEGER NOT NULL,
                        data BLOB NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX sync_runs_integration ON sync_runs (integration_id, queued_at);

                    CREATE TABLE api_keys (
                        name TEXT PRIMARY KEY,
                        sha256 TEXT NOT NULL UNIQUE,
                        access INTEGER NOT NULL,
                        integrations TEXT
                    ) WITHOUT ROWID;

                    CREATE TABLE idempotency_keys (
                        integration_id TEXT NOT NULL,
                        key TEXT NOT NULL,
                        request_hash BLOB NOT NULL,
                        response BLOB,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (integration_id, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX idempotency_created ON idempotency_keys (created_at);
                    """
            )
            let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('cursor_secret', ?)", arguments: [secret])
        }
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    -- One sync of an integration at a time, across every server sharing the store.
                    CREATE TABLE sync_leases (
                        integration_id TEXT PRIMARY KEY,
                        owner TEXT NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    -- RECRU records created through ATSBridge ("sync only created applications").
                    CREATE TABLE created_here (
                        integration_id TEXT NOT NULL,
                        model INTEGER NOT NULL,
                        remote_id TEXT NOT NULL,
                        PRIMARY KEY (integration_id, model, remote_id)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v3") { db in
            // Retention finds records to blank without scanning the table (a scan at start-up
            // filled the writer's cache: ~70 MB of RSS on a million records).
            try db.execute(
                sql: """
                    CREATE INDEX records_deleted ON records (model, remote_deleted_at)
                        WHERE remote_deleted_at IS NOT NULL AND pii_blanked = 0
                    """
            )
        }
        migrator.registerMigration("v4") { db in
            // The nested views of candidates, jobs and applications, assembled once and kept
            // (docs/store.md, "Nested views"); NULL is stale, refilled by `refreshStaleViews`.
            try db.execute(
                sql: """
                    ALTER TABLE records ADD COLUMN view BLOB;
                    CREATE INDEX records_stale_views ON records (integration_id, model, id)
                        WHERE view IS NULL AND model IN \(SQLiteStore.nestedModelList);
                    """
            )
        }
        migrator.registerMigration("v6-keys-audit") { db in
            // Keys become managed data (docs/security.md, "API keys"): where each comes from, when
            // it was created and last used. Keys stored before came from the configuration.
            // The audit log is append-only: triggers refuse updates and deletes.
            try db.execute(
                sql: """
                    ALTER TABLE api_keys ADD COLUMN origin INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE api_keys ADD COLUMN created_at INTEGER;
                    ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;

                    CREATE TABLE audit_log (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        at INTEGER NOT NULL,
                        key_name TEXT NOT NULL,
                        method TEXT NOT NULL,
                        integration_id TEXT,
                        target_ids TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        error_code TEXT
                    );
                    CREATE INDEX audit_log_integration ON audit_log (integration_id, sequence);
                    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """
            )
        }
        migrator.registerMigration("v5-sync-resilience") { db in
            // Sync history is paged newest first by (queued_at, id) (Admin.ListSyncRuns); the
            // v1 index lacks the id, so a page boundary inside one millisecond sorted.
            try db.execute(
                sql: """
                    CREATE INDEX sync_runs_history ON sync_runs (integration_id, queued_at, id);
                    DROP INDEX sync_runs_integration;
                    """
            )
        }
        migrator.registerMigration("v7-ingest") { db in
            // Faster ingest (docs/store.md): a candidate's email index entries are found through
            // its own row (`emails`, lower-cased, one per line) instead of a second index over
            // them by candidate, whose inserts were random-order b-tree writes. Existing rows get
            // their addresses from that index before it goes. Bulk exports read a model's rows in
            // physical order through `records_scan` (rowid is its implicit last column; new rows
            // append to it).
            try db.execute(
                sql: """
                    ALTER TABLE records ADD COLUMN emails TEXT;
                    UPDATE records SET emails = (
                        SELECT group_concat(email, char(10)) FROM candidate_emails e
                        WHERE e.integration_id = records.integration_id AND e.candidate_id = records.id
                    ) WHERE model = \(Model.candidate.rawValue);
                    DROP INDEX candidate_emails_candidate;
                    CREATE INDEX records_scan ON records (integration_id, model);
                    """
            )
        }
        migrator.registerMigration("v8-source-hashes") { db in
            // The fingerprint of each remote source a sync mapped (docs/sync.md, "Unchanged
            // sources"), with the hash its record had then; removed with its integration.
            try db.execute(
                sql: """
                    CREATE TABLE source_hashes (
                        integration_id TEXT NOT NULL,
                        model INTEGER NOT NULL,
                        remote_id TEXT NOT NULL,
                        hash BLOB NOT NULL,
                        record_id TEXT NOT NULL,
                        record_hash BLOB NOT NULL,
                        related TEXT NOT NULL,
                        PRIMARY KEY (integration_id, model, remote_id)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER source_hashes_of_deleted_integration AFTER DELETE ON integrations
                        BEGIN DELETE FROM source_hashes WHERE integration_id = old.id; END;
                    """
            )
        }
        migrator.registerMigration("v9-stale-views-by-row") { db in
            // Stale views are found in row order (rowid is the index's implicit last column):
            // a new record's stale entry appends instead of landing at a random id, which
            // dirtied a page of this index for most records of an upsert transaction.
            try db.execute(
                sql: """
                    DROP INDEX records_stale_views;
                    CREATE INDEX records_stale_views ON records (integration_id, model)
                        WHERE view IS NULL AND model IN \(SQLiteStore.nestedModelList);
                    """
            )
        }
        return migrator
    }
}
