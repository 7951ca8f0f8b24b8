import DecantCore
import DecantSQLite
@testable import DecantState
import Foundation
import Testing
import TestSupport

/// A state written by the schema before the compact ledger (version 5: names as
/// text in every copy row, `verified` beside a text `verify_level`) is upgraded in
/// place when opened: every row keeps its id and meaning, and a rollback works on it.
@Suite struct LedgerUpgradeTests {
    /// Two applies and a rollback as version 5 recorded them: serial 1 created the
    /// archive bucket, copied a (checksum-verified), b (adopted, size-verified), d (to
    /// another bucket, for another migration, unverified) and e twice (an allowed
    /// overwrite: a superseded row, then the current one); serial 2 copied f, deleted
    /// a's source and left the deletion of e's pending, edited a file; serial 3, a
    /// rollback to 1 that failed, removed f's copy. A copy intent is left open.
    static func writeVersion5State(at path: String) throws {
        let db = try SQLiteDatabase(path: path)
        defer { db.close() }
        try db.migrate(Array(StateSchema.migrations.prefix(5)))
        try db.execute("""
            INSERT INTO meta (key, value) VALUES ('lineage', 'b2c7c1d0-0000-4000-8000-000000000005'), ('created_ms', '1000');
            INSERT INTO runs (serial, kind, status, started_ms, finished_ms, user, host, pid, decant_version, rollback_to)
            VALUES (1, 'apply', 'succeeded', 1000, 2000, 'ci', 'runner', 42, '0.9.0', NULL),
                   (2, 'apply', 'succeeded', 3000, 4000, 'ci', 'runner', 43, '0.9.0', NULL),
                   (3, 'rollback', 'failed', 5000, 6000, 'ci', 'runner', 44, '0.9.0', 1);
            INSERT INTO journal (serial, action_id, kind, migration, bucket, state, started_ms, finished_ms)
            VALUES (1, 'create_bucket:archive', 'create_bucket', NULL, 'archive-bucket-dev', 'done', 1000, 1001);
            INSERT INTO created_buckets (id, name, project, settings, serial, created_ms)
            VALUES (1, 'archive-bucket-dev', 'ehp', '{"location":"europe-west1"}', 1, 1000);
            INSERT INTO copies (id, migration, source_bucket, source_name, source_generation, size, crc32c, md5, source_created_ms,
                                target_bucket, target_name, target_generation, adopted, verified, verified_ms, verify_level,
                                verified_serial, copied_ms, serial, removed_serial, removed_ms, removed_reason)
            VALUES
              (1, 'historization', 'data-bucket-dev', 'hist/a', 11, 10, 'AAAAAA==', 'md5a', 900, 'archive-bucket-dev', 'archives/a', 101,
               0, 1, 1500, 'checksum', 1, 1100, 1, NULL, NULL, NULL),
              (2, 'historization', 'data-bucket-dev', 'hist/b', 12, 20, 'BBBBBB==', NULL, NULL, 'archive-bucket-dev', 'archives/b', 102,
               1, 1, 1600, 'size', 1, 1200, 1, NULL, NULL, NULL),
              (3, 'seed', 'data-bucket-dev', 'seed/d', 14, 40, NULL, NULL, NULL, 'seed-bucket-dev', 'd', 104,
               0, 0, NULL, NULL, NULL, 1300, 1, NULL, NULL, NULL),
              (4, 'historization', 'data-bucket-dev', 'hist/e', 15, 50, 'EEEEEE==', NULL, NULL, 'archive-bucket-dev', 'archives/e', 105,
               0, 1, 1400, 'count', 1, 1400, 1, 1, 1450, 'superseded'),
              (5, 'historization', 'data-bucket-dev', 'hist/e', 15, 50, 'EEEEEE==', NULL, NULL, 'archive-bucket-dev', 'archives/e', 106,
               0, 1, 1460, 'checksum', 1, 1450, 1, NULL, NULL, NULL),
              (6, 'historization', 'data-bucket-dev', 'hist/f', 16, 60, 'FFFFFF==', NULL, NULL, 'archive-bucket-dev', 'archives/f', 107,
               0, 1, 3500, 'checksum', 2, 3100, 2, 3, 5500, 'rollback');
            INSERT INTO deletions (id, bucket, name, generation, copy_id, serial, deleted_ms, pending)
            VALUES (1, 'data-bucket-dev', 'hist/a', 11, 1, 2, 3200, 0),
                   (2, 'data-bucket-dev', 'hist/e', 15, 5, 2, 3300, 1);
            INSERT INTO code_edits (id, path, before_sha256, after_sha256, patch, before_content, after_content, migrations, serial, edited_ms)
            VALUES (1, 'jobs/export.py', 'b', 'a', '--- a', 'gs://data-bucket-dev/hist/', 'gs://archive-bucket-dev/archives/',
                    '["historization"]', 2, 3400);
            INSERT INTO copy_intents (serial, action_id, source_bucket, source_name, source_generation, target_bucket, target_name,
                                      expected_generation, started_ms)
            VALUES (2, 'copy:historization:0', 'data-bucket-dev', 'hist/g', 17, 'archive-bucket-dev', 'archives/g', 0, 3000);
            """)
    }

    @Test func aVersion5StateIsUpgradedWithEveryRowKept() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        try Self.writeVersion5State(at: state.path)
        let store = try state.open()
        #expect(try await store.schemaVersion == StateSchema.currentVersion)
        #expect(store.lineage == "b2c7c1d0-0000-4000-8000-000000000005")
        #expect(try await store.integrityCheck() == "ok")

        let a = try #require(try await store.copy(id: 1))
        #expect(a.key == CopyKey(sourceBucket: "data-bucket-dev", sourceName: "hist/a", sourceGeneration: 11,
                                 targetBucket: "archive-bucket-dev", targetName: "archives/a"))
        #expect(a.record.migration == "historization")
        #expect(a.record.content == ContentIdentity(size: 10, crc32c: "AAAAAA==", md5: "md5a"))
        #expect(a.record.sourceCreated == Date(milliseconds: 900))
        #expect(a.record.targetGeneration == 101)
        #expect(a.record.verification == Verification(level: .checksum, at: Date(milliseconds: 1500)))
        #expect(a.record.copiedAt == Date(milliseconds: 1100))
        #expect(a.serial == 1 && a.verifiedSerial == 1 && a.isCurrent && !a.record.adopted)

        let b = try #require(try await store.copy(id: 2))
        #expect(b.record.adopted && b.record.verification?.level == .size && b.record.content.md5 == nil)
        let d = try #require(try await store.copy(id: 3))
        #expect(d.record.verification == nil && d.verifiedSerial == nil && d.record.migration == "seed")
        #expect(d.key.targetBucket == "seed-bucket-dev")
        let e = try await store.copies(sourceBucket: "data-bucket-dev", sourceName: "hist/e", includeRemoved: true)
        #expect(e.map(\.id) == [4, 5])
        #expect(e.map(\.removal) == [.superseded, nil])
        #expect(e.map(\.record.verification?.level) == [.count, .checksum])
        let f = try #require(try await store.copy(id: 6))
        #expect(f.removal == .rollback && f.removedSerial == 3)

        // What planning reads: current rows of the prefix, in key order.
        let entries = try await store.ledgerEntries(sourceBucket: "data-bucket-dev", prefix: "hist/").all()
        #expect(entries.map(\.sourceName) == ["hist/a", "hist/b", "hist/e"])
        #expect(entries.map(\.targetGeneration) == [101, 102, 106])
        #expect(try await store.verifiedCopies(sourceBucket: "data-bucket-dev").all().map(\.id) == [1, 2, 5])

        let done = try #require(try await store.deletion(bucket: "data-bucket-dev", name: "hist/a", generation: 11))
        #expect(done.id == 1 && done.copy.id == 1 && !done.pending && done.deleted == Date(milliseconds: 3200))
        #expect(try await store.pendingDeletions().map(\.copy.id) == [5])
        #expect(try await store.openCopyIntents(targets: [ObjectRef(bucket: "archive-bucket-dev", name: "archives/g")]).count == 1)

        let stats = try await store.stats()
        #expect(stats.currentCopies == 4 && stats.verifiedCopies == 3 && stats.adoptedCopies == 1)
        #expect(stats.deletedSources == 1)
        let totals = try await store.migrationTotals()
        #expect(totals.map(\.migration) == ["historization", "seed"])
        #expect(totals.map(\.copies) == [3, 1] && totals.map(\.verified) == [3, 0] && totals.map(\.deletedSources) == [1, 0])
        let history = try await store.history()
        #expect(history.map(\.ledger.objectsCopied) == [4, 1, 0])
        #expect(history.map(\.ledger.copiesRemoved) == [0, 0, 1])
    }

    /// Not rows written by hand: the file decant itself wrote at version 5
    /// (`StateVersion5Fixture`), opened by this decant.
    @Test func aStateDecantWroteAtVersion5IsUpgradedAndRollsBack() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        do {
            let db = try SQLiteDatabase(path: state.path)
            defer { db.close() }
            // The dump creates tables in name order: copies before the runs they reference.
            try db.execute("PRAGMA foreign_keys=OFF")
            try db.execute(StateVersion5Fixture.sql)
            try db.execute("PRAGMA foreign_keys=ON")
            #expect(try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") == 0)
            #expect(try db.scalarInt("SELECT max(version) FROM schema_migrations") == 5)
        }
        let store = try state.open()
        #expect(try await store.schemaVersion == StateSchema.currentVersion)
        #expect(store.lineage == "bbf65555-dc50-4b2c-b456-9c202def3e9c")
        #expect(try await store.integrityCheck() == "ok")
        #expect(try await store.currentSerial == 3)

        let events = try await store.ledgerEntries(sourceBucket: "shared", prefix: "events/").all()
        #expect(events.map(\.sourceName) == (0..<3).map { "events/a/0000/part-000000\($0).parquet" })
        #expect(events.map(\.sourceGeneration) == [1_796_177_668_215_858, 1_796_177_668_215_859, 1_796_177_668_215_860])
        let scratch = try await store.ledgerEntries(sourceBucket: "shared", prefix: "tmp/").all()
        #expect(scratch.map(\.targetGeneration) == [1_796_177_668_954_424, 1_796_177_668_968_399])
        let first = try #require(try await store.copy(id: 3))
        #expect(first.key == CopyKey(sourceBucket: "shared", sourceName: "events/a/0000/part-0000000.parquet",
                                     sourceGeneration: 1_796_177_668_215_858, targetBucket: "archive-bucket-dev",
                                     targetName: "copy/a/0000/part-0000000.parquet"))
        #expect(first.record.migration == "events" && first.record.verification?.level == .checksum)
        #expect(first.record.content == ContentIdentity(size: 64, crc32c: "A8jrZw==", md5: "O108fSB+N9zu7dMB414uWA=="))
        #expect(try await store.copy(id: 1)?.record.verification?.level == .size)
        #expect(try await store.copy(id: 6)?.removal == .rollback)

        // The deletion gate's rows: serial 1's deletions stand, serial 2's were restored.
        let deleted = try #require(try await store.deletion(bucket: "shared", name: "events/a/0000/part-0000002.parquet",
                                                            generation: 1_796_177_668_215_860))
        #expect(deleted.copy.id == 5 && deleted.restoredSerial == nil && !deleted.pending)
        let restored = try #require(try await store.deletion(bucket: "shared", name: "events/c/0000/part-0000000.parquet",
                                                             generation: 1_796_177_671_239_402))
        #expect(restored.restoredSerial == 3 && restored.restoredGeneration == 1_796_177_672_136_735)

        let stats = try await store.stats()
        #expect(stats.currentCopies == 5 && stats.deletedSources == 5 && stats.restoredSources == 2)
        let totals = try await store.migrationTotals()
        #expect(totals.map(\.migration) == ["events", "scratch"])
        #expect(totals.map(\.copies) == [3, 2] && totals.map(\.deletedSources) == [3, 0])
        #expect(try await store.history().map(\.ledger.objectsCopied) == [5, 2, 0])

        // Rolling the upgraded state back to 0 finds every copy and deletion serial 1 made.
        let scope = try await store.rollbackScope(to: 0)
        #expect(scope.copies == 5 && scope.deletions == 3)
        #expect(Set(scope.createdBuckets.map(\.name)) == ["archive-bucket-dev", "scratch-bucket-dev"])
        let rollback = try await store.beginRun(kind: .rollback, planDigest: "r", rollbackTo: 0)
        let deletions = try await store.deletions(after: 0, pageSize: 2).all()
        #expect(deletions.map(\.id) == [3, 2, 1])
        try await store.recordSourcesRestored(deletions.map { (deletionID: $0.id, generation: 2_000 + $0.id) }, serial: rollback)
        let copies = try await store.copiesMade(after: 0, pageSize: 2).all()
        #expect(copies.map(\.id) == [5, 4, 3, 2, 1])
        try await store.recordCopiesRemoved(copies.map(\.id), serial: rollback)
        try await store.recordBucketDeleted(name: "archive-bucket-dev", serial: rollback)
        try await store.recordBucketDeleted(name: "scratch-bucket-dev", serial: rollback)
        try await store.finishRun(serial: rollback, status: .succeeded)
        #expect(try await store.rollbackScope(to: 0).isEmpty)
        #expect(try await store.integrityCheck() == "ok")
    }

    @Test func aRollbackWorksOnAnUpgradedState() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        try Self.writeVersion5State(at: state.path)
        let store = try state.open()

        let scope = try await store.rollbackScope(to: 0)
        #expect(scope.copies == 4 && scope.deletions == 2)
        #expect(scope.createdBuckets.map(\.name) == ["archive-bucket-dev"])
        let rollback = try await store.beginRun(kind: .rollback, planDigest: "r", rollbackTo: 0)
        let deletions = try await store.deletions(after: 0, pageSize: 1).all()
        #expect(deletions.map(\.id) == [2, 1])
        #expect(deletions.map(\.copy.key.sourceName) == ["hist/e", "hist/a"])
        try await store.recordSourcesRestored(deletions.map { (deletionID: $0.id, generation: 900 + $0.id) }, serial: rollback)
        let copies = try await store.copiesMade(after: 0, pageSize: 3).all()
        #expect(copies.map(\.id) == [5, 3, 2, 1])
        try await store.recordCopiesRemoved(copies.map(\.id), serial: rollback)
        for edit in scope.codeEdits { try await store.recordCodeReverted(editID: edit.id, serial: rollback) }
        try await store.recordBucketDeleted(name: "archive-bucket-dev", serial: rollback)
        try await store.finishRun(serial: rollback, status: .succeeded)

        #expect(try await store.rollbackScope(to: 0).isEmpty)
        #expect(try await store.newestUndoableSerial() == nil)
        #expect(try await store.deletion(bucket: "data-bucket-dev", name: "hist/a", generation: 11)?.restoredGeneration == 901)
        #expect(try await store.history().last?.ledger.copiesRemoved == 3)
        #expect(try await store.history().last?.ledger.adoptedForgotten == 1)
        #expect(try await store.integrityCheck() == "ok")

        // And the upgraded ledger records new copies as any other.
        let apply = try await store.beginRun(kind: .apply, planDigest: nil)
        let again = copyRecord("hist/a", generation: 11, targetGeneration: 201, verified: true)
        #expect(try await store.recordCopies([again], serial: apply).inserted == 1)
        #expect(try await store.copies(sourceBucket: "data-bucket-dev", sourceName: "hist/a").map(\.record.targetGeneration) == [201])
    }
}
