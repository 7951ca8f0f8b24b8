/// The numbered schema migrations of a state database. Never edit a released
/// migration: add the next number. Instants are integer milliseconds since 1970
/// UTC (`*_ms`), settings and lists are JSON text.
public enum StateSchema {
    /// The version a freshly opened state is at.
    public static var currentVersion: Int { migrations.map(\.version).max() ?? 0 }

    public static let migrations: [(version: Int, sql: String)] = [
        (1, v1RunsAndJournal),
        (2, v2Ledger),
        (3, v3PendingDeletions),
        (4, v4CopyIntents),
        (5, v5PinnedClock),
        (6, v6CompactLedger),
        (7, v7IAMChanges),
        (8, v8MigrationOutcomes),
    ]

    /// The ledger's shape for millions of copies (issue 19): buckets and migrations
    /// become integer keys into `ledger_buckets` and `ledger_migrations`, a copy's
    /// verification is one integer level (0 not verified, 1 count, 2 size, 3
    /// checksum), and a copy row has one index, the current key, which is also the
    /// order planning reads in. The index by target went: nothing but tests read
    /// copies by target, and it was half of the cost of recording a copy. The name
    /// ids carry no foreign key (a tenth of the cost of recording a copy): only
    /// `LedgerNames` writes them, and `integrityCheck` looks for dangling ones.
    ///
    /// `copies` and `deletions` are rebuilt with their ids kept (deletions and
    /// rollbacks name copies by id); `deletions` goes first so that no row ever
    /// names a copy that is not there, with foreign keys on throughout.
    static let v6CompactLedger = """
        CREATE TABLE ledger_buckets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE ledger_migrations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        INSERT INTO ledger_buckets (name)
            SELECT source_bucket FROM copies UNION SELECT target_bucket FROM copies UNION SELECT bucket FROM deletions;
        INSERT INTO ledger_migrations (name) SELECT DISTINCT migration FROM copies;

        CREATE TABLE copies_v6 (
            id INTEGER PRIMARY KEY,
            source_bucket_id INTEGER NOT NULL,
            source_name TEXT NOT NULL,
            source_generation INTEGER NOT NULL,
            target_bucket_id INTEGER NOT NULL,
            target_name TEXT NOT NULL,
            target_generation INTEGER NOT NULL,
            verify_level INTEGER NOT NULL DEFAULT 0 CHECK (verify_level BETWEEN 0 AND 3),
            verified_ms INTEGER,
            verified_serial INTEGER REFERENCES runs(serial),
            migration_id INTEGER NOT NULL,
            size INTEGER NOT NULL,
            crc32c TEXT,
            md5 TEXT,
            source_created_ms INTEGER,
            adopted INTEGER NOT NULL DEFAULT 0 CHECK (adopted IN (0, 1)),
            copied_ms INTEGER NOT NULL,
            serial INTEGER NOT NULL REFERENCES runs(serial),
            removed_serial INTEGER REFERENCES runs(serial),
            removed_ms INTEGER,
            removed_reason TEXT CHECK (removed_reason IS NULL OR removed_reason IN ('rollback', 'superseded'))
        );
        INSERT INTO copies_v6 (id, source_bucket_id, source_name, source_generation, target_bucket_id, target_name,
                               target_generation, verify_level, verified_ms, verified_serial, migration_id, size, crc32c, md5,
                               source_created_ms, adopted, copied_ms, serial, removed_serial, removed_ms, removed_reason)
            SELECT c.id, s.id, c.source_name, c.source_generation, t.id, c.target_name, c.target_generation,
                   CASE WHEN c.verified = 0 THEN 0 WHEN c.verify_level = 'count' THEN 1 WHEN c.verify_level = 'size' THEN 2 ELSE 3 END,
                   c.verified_ms, c.verified_serial, m.id, c.size, c.crc32c, c.md5, c.source_created_ms, c.adopted, c.copied_ms,
                   c.serial, c.removed_serial, c.removed_ms, c.removed_reason
            FROM copies c
            JOIN ledger_buckets s ON s.name = c.source_bucket
            JOIN ledger_buckets t ON t.name = c.target_bucket
            JOIN ledger_migrations m ON m.name = c.migration
            ORDER BY c.id;

        CREATE TABLE deletions_v6 (
            id INTEGER PRIMARY KEY,
            bucket_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            generation INTEGER NOT NULL,
            copy_id INTEGER NOT NULL REFERENCES copies_v6(id),
            serial INTEGER NOT NULL REFERENCES runs(serial),
            deleted_ms INTEGER NOT NULL,
            restored_serial INTEGER REFERENCES runs(serial),
            restored_generation INTEGER,
            restored_ms INTEGER,
            pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1))
        );
        INSERT INTO deletions_v6 (id, bucket_id, name, generation, copy_id, serial, deleted_ms, restored_serial,
                                  restored_generation, restored_ms, pending)
            SELECT d.id, b.id, d.name, d.generation, d.copy_id, d.serial, d.deleted_ms, d.restored_serial,
                   d.restored_generation, d.restored_ms, d.pending
            FROM deletions d JOIN ledger_buckets b ON b.name = d.bucket
            ORDER BY d.id;

        DROP TABLE deletions;
        DROP TABLE copies;
        ALTER TABLE copies_v6 RENAME TO copies;
        ALTER TABLE deletions_v6 RENAME TO deletions;

        -- One current row per copy; also the order planning reads a source prefix in.
        CREATE UNIQUE INDEX copies_current ON copies
            (source_bucket_id, source_name, source_generation, target_bucket_id, target_name)
            WHERE removed_serial IS NULL;
        CREATE UNIQUE INDEX deletions_by_object ON deletions (bucket_id, name, generation);
        CREATE INDEX deletions_by_serial ON deletions (serial);
        CREATE INDEX deletions_pending ON deletions (pending) WHERE pending = 1;
        """

    /// Bucket IAM policies decant set (set_bucket_iam), each with the policy it
    /// replaced, so that a rollback can put it back where it is still decant's.
    /// A row is written before the `PUT` (`set_ms` NULL) and completed after it: a
    /// run cut short in between leaves a row a rollback judges by the live policy.
    /// Self-contained (one new table), so it can take any place in the numbering.
    static let v7IAMChanges = """
        CREATE TABLE iam_changes (
            id INTEGER PRIMARY KEY,
            bucket TEXT NOT NULL,
            action_id TEXT,
            previous TEXT NOT NULL,
            new TEXT NOT NULL,
            serial INTEGER NOT NULL REFERENCES runs(serial),
            changed_ms INTEGER NOT NULL,
            set_ms INTEGER,
            restored_serial INTEGER REFERENCES runs(serial),
            restored_ms INTEGER
        );
        CREATE INDEX iam_changes_by_bucket ON iam_changes (bucket, serial);
        """

    /// Per run, how each migration it applied ended, under the digest of the
    /// migration's definition: what a later environment's promotion gate reads.
    /// `promotion_ignored` says why the gate would have refused the migration when
    /// `--ignore-promotion` overrode it.
    static let v8MigrationOutcomes = """
        CREATE TABLE migration_outcomes (
            serial INTEGER NOT NULL REFERENCES runs(serial),
            migration TEXT NOT NULL,
            inputs_digest TEXT NOT NULL,
            verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
            finished_ms INTEGER NOT NULL,
            promotion_ignored TEXT,
            PRIMARY KEY (serial, migration)
        ) WITHOUT ROWID;
        CREATE INDEX migration_outcomes_by_migration ON migration_outcomes (migration, serial);
        """

    /// A run made with `--now` records the pinned instant, and whether deletions were
    /// decided by it while it was ahead of the real clock (`--allow-future-now`).
    static let v5PinnedClock = """
        ALTER TABLE runs ADD COLUMN pinned_now_ms INTEGER;
        ALTER TABLE runs ADD COLUMN deletes_by_pinned_now INTEGER NOT NULL DEFAULT 0 CHECK (deletes_by_pinned_now IN (0, 1));
        """

    /// Every object copy is recorded before its call and dropped once the ledger
    /// holds the copy (invariant 5): what a run cut short wrote stays decant's.
    static let v4CopyIntents = """
        CREATE TABLE copy_intents (
            id INTEGER PRIMARY KEY,
            serial INTEGER NOT NULL REFERENCES runs(serial),
            action_id TEXT NOT NULL,
            source_bucket TEXT NOT NULL,
            source_name TEXT NOT NULL,
            source_generation INTEGER NOT NULL,
            target_bucket TEXT NOT NULL,
            target_name TEXT NOT NULL,
            expected_generation INTEGER NOT NULL,
            started_ms INTEGER NOT NULL
        );
        CREATE INDEX copy_intents_by_target ON copy_intents (target_bucket, target_name);
        """

    /// A deletion is recorded as pending before the delete call and marked done after
    /// it (invariant 5), so a run cut short in between is reconciled, not guessed.
    static let v3PendingDeletions = """
        ALTER TABLE deletions ADD COLUMN pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1));
        CREATE INDEX deletions_pending ON deletions (pending) WHERE pending = 1;
        """

    /// Lineage, runs and the journal of their actions.
    static let v1RunsAndJournal = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE runs (
            serial INTEGER PRIMARY KEY CHECK (serial > 0),
            kind TEXT NOT NULL CHECK (kind IN ('apply', 'rollback')),
            status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
            started_ms INTEGER NOT NULL,
            finished_ms INTEGER,
            plan_digest TEXT,
            input_digest TEXT,
            user TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            decant_version TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '{}',
            rollback_to INTEGER CHECK (rollback_to IS NULL OR (rollback_to >= 0 AND rollback_to < serial)),
            CHECK ((kind = 'rollback') = (rollback_to IS NOT NULL))
        );

        CREATE TABLE journal (
            serial INTEGER NOT NULL REFERENCES runs(serial),
            action_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            migration TEXT,
            bucket TEXT,
            state TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 1,
            started_ms INTEGER NOT NULL,
            finished_ms INTEGER,
            planned_objects INTEGER NOT NULL DEFAULT 0,
            planned_bytes INTEGER NOT NULL DEFAULT 0,
            objects INTEGER,
            bytes INTEGER,
            error TEXT,
            PRIMARY KEY (serial, action_id)
        ) WITHOUT ROWID;
        CREATE INDEX journal_by_state ON journal (state, serial);
        """

    /// The ledger rollback reads: buckets, copies, deletions, code edits.
    static let v2Ledger = """
        CREATE TABLE created_buckets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            project TEXT,
            settings TEXT NOT NULL,
            serial INTEGER NOT NULL REFERENCES runs(serial),
            created_ms INTEGER NOT NULL,
            deleted_serial INTEGER REFERENCES runs(serial),
            deleted_ms INTEGER
        );
        CREATE UNIQUE INDEX created_buckets_live ON created_buckets (name) WHERE deleted_serial IS NULL;

        CREATE TABLE bucket_changes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            action_id TEXT,
            previous TEXT NOT NULL,
            new TEXT NOT NULL,
            metageneration_before INTEGER,
            metageneration_after INTEGER,
            serial INTEGER NOT NULL REFERENCES runs(serial),
            changed_ms INTEGER NOT NULL,
            restored_serial INTEGER REFERENCES runs(serial),
            restored_ms INTEGER
        );
        CREATE INDEX bucket_changes_by_name ON bucket_changes (name, serial);

        CREATE TABLE copies (
            id INTEGER PRIMARY KEY,
            migration TEXT NOT NULL,
            source_bucket TEXT NOT NULL,
            source_name TEXT NOT NULL,
            source_generation INTEGER NOT NULL,
            size INTEGER NOT NULL,
            crc32c TEXT,
            md5 TEXT,
            source_created_ms INTEGER,
            target_bucket TEXT NOT NULL,
            target_name TEXT NOT NULL,
            target_generation INTEGER NOT NULL,
            adopted INTEGER NOT NULL DEFAULT 0 CHECK (adopted IN (0, 1)),
            verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
            verified_ms INTEGER,
            verify_level TEXT CHECK (verify_level IS NULL OR verify_level IN ('count', 'size', 'checksum')),
            verified_serial INTEGER REFERENCES runs(serial),
            copied_ms INTEGER NOT NULL,
            serial INTEGER NOT NULL REFERENCES runs(serial),
            removed_serial INTEGER REFERENCES runs(serial),
            removed_ms INTEGER,
            removed_reason TEXT CHECK (removed_reason IS NULL OR removed_reason IN ('rollback', 'superseded')),
            CHECK ((verified = 1) = (verify_level IS NOT NULL))
        );
        -- One current row per copy; also the sorted source+prefix stream's index.
        CREATE UNIQUE INDEX copies_current ON copies
            (source_bucket, source_name, source_generation, target_bucket, target_name)
            WHERE removed_serial IS NULL;
        CREATE INDEX copies_by_target ON copies (target_bucket, target_name);

        CREATE TABLE deletions (
            id INTEGER PRIMARY KEY,
            bucket TEXT NOT NULL,
            name TEXT NOT NULL,
            generation INTEGER NOT NULL,
            copy_id INTEGER NOT NULL REFERENCES copies(id),
            serial INTEGER NOT NULL REFERENCES runs(serial),
            deleted_ms INTEGER NOT NULL,
            restored_serial INTEGER REFERENCES runs(serial),
            restored_generation INTEGER,
            restored_ms INTEGER
        );
        CREATE UNIQUE INDEX deletions_by_object ON deletions (bucket, name, generation);
        CREATE INDEX deletions_by_serial ON deletions (serial);

        CREATE TABLE code_edits (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            before_sha256 TEXT NOT NULL,
            after_sha256 TEXT NOT NULL,
            patch TEXT NOT NULL,
            before_content TEXT NOT NULL,
            after_content TEXT NOT NULL,
            migrations TEXT NOT NULL,
            serial INTEGER NOT NULL REFERENCES runs(serial),
            edited_ms INTEGER NOT NULL,
            reverted_serial INTEGER REFERENCES runs(serial),
            reverted_ms INTEGER
        );
        CREATE INDEX code_edits_by_path ON code_edits (path, serial);
        """
}
