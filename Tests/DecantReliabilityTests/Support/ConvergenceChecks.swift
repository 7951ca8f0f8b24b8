import DecantCore
import DecantSQLite
import DecantStorage
import Foundation
import Testing
import TestSupport

/// What must hold of the store and the state: at every moment (`checkCrashPoint`,
/// DESIGN.md §4 invariant 1) and once apply has converged (invariant 5).
enum ConvergenceChecks {
    /// A copy row's verification level by name (the ledger stores 0–3).
    static let levelName = "(CASE verify_level WHEN 1 THEN 'count' WHEN 2 THEN 'size' WHEN 3 THEN 'checksum' END)"

    /// Invariant 1 at a crash point: every source that is gone has a verified copy
    /// with the same size and checksum, recorded in the state and present in the
    /// target; kept sources are all there; nothing in the targets has wrong bytes;
    /// the ledger has no duplicate and the database is sound.
    static func checkCrashPoint(_ fixture: MigrationFixture, store: any ObjectStore, state: StateSnapshot?,
                                label: String) async throws -> String {
        let sources = try await MigrationFixture.list(store, fixture.sourceBucket)
        var targets = try await MigrationFixture.list(store, fixture.keepBucket)
        targets.merge(try await MigrationFixture.list(store, fixture.movedBucket)) { a, _ in a }
        var verified: [String: (crc32c: String?, size: Int64, level: String?)] = [:]
        var recordedDeletions: Set<String> = []
        if let state {
            #expect(try state.integrityCheck() == ["ok"], "\(label): integrity_check")
            let duplicates = try state.int("""
                SELECT COUNT(*) FROM (SELECT 1 FROM copies WHERE removed_serial IS NULL
                GROUP BY source_bucket_id, source_name HAVING COUNT(*) > 1)
                """)
            #expect(duplicates == 0, "\(label): \(duplicates) source object(s) with more than one current ledger row")
            for row in try state.database.query(
                "SELECT source_name, crc32c, size, \(levelName) FROM copies WHERE verify_level > 0 AND removed_serial IS NULL",
                [], { ($0.text(0) ?? "", $0.text(1), $0.int(2) ?? -1, $0.text(3)) }) {
                verified[row.0] = (row.1, row.2, row.3)
            }
            // A deletion is recorded (pending) before the delete call is made.
            recordedDeletions = Set(try state.database.query("SELECT name FROM deletions", []) { $0.text(0) ?? "" })
        }
        var deleted = 0, copied = 0
        for item in fixture.items {
            if let target = targets[item.target] {
                copied += 1
                #expect(target.crc32c == item.crc32c && target.size == Int64(item.data.count),
                        "\(label): gs://\(item.targetBucket)/\(item.target) has other bytes than its source")
            }
            guard sources[item.source] == nil else { continue }
            deleted += 1
            #expect(item.moved, "\(label): gs://\(fixture.sourceBucket)/\(item.source) was deleted, but its migration keeps sources")
            let record = verified[item.source]
            #expect(record?.crc32c == item.crc32c && record?.size == Int64(item.data.count) && record?.level == "checksum",
                    "\(label): source \(item.source) is gone without a checksum-verified copy in the state (ledger: \(String(describing: record)))")
            #expect(state == nil || recordedDeletions.contains(item.source),
                    "\(label): source \(item.source) is gone but no deletion of it is recorded")
            #expect(targets[item.target]?.crc32c == item.crc32c,
                    "\(label): source \(item.source) is gone and its copy gs://\(item.targetBucket)/\(item.target) is not in the target")
        }
        return "\(copied) copied, \(verified.count) verified in the state, \(deleted) sources deleted"
    }

    /// Once apply succeeded: every object in its target with its bytes, the moved
    /// sources gone and the kept ones there, exactly one ledger row per object and
    /// one deletion per moved source, a finished journal, a sound database, and a
    /// plan with nothing left to do.
    static func checkConverged(_ fixture: MigrationFixture, store: any ObjectStore, workspace: DecantWorkspace,
                               readBack: Int? = nil, label: String) async throws {
        let sources = try await MigrationFixture.list(store, fixture.sourceBucket)
        var targets = try await MigrationFixture.list(store, fixture.keepBucket)
        targets.merge(try await MigrationFixture.list(store, fixture.movedBucket)) { a, _ in a }
        let expectedTargets = Set(fixture.items.map(\.target))
        #expect(Set(targets.keys) == expectedTargets,
                "\(label): target objects: \(expectedTargets.subtracting(targets.keys).count) missing, \(Set(targets.keys).subtracting(expectedTargets).count) unexpected")
        #expect(Set(sources.keys) == Set(fixture.items.filter { !$0.moved }.map(\.source)),
                "\(label): \(sources.count) source objects left; expected exactly the \(fixture.items.filter { !$0.moved }.count) kept ones")
        // Target objects read back byte for byte: all, or every n-th for `readBack` of them.
        let mismatches = Locked<[String]>([])
        let present = Set(targets.keys)
        let stride = readBack.map { max(1, fixture.items.count / max($0, 1)) } ?? 1
        let sample = fixture.items.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
        try await forEachConcurrently(sample, width: 16) { item in
            guard present.contains(item.target) else { return }
            let (data, _) = try await store.download(item.targetBucket, item.target, generation: nil)
            if data != item.data { mismatches.withLock { $0.append(item.target) } }
        }
        #expect(mismatches.current.isEmpty, "\(label): \(mismatches.current.count) target object(s) with other bytes, e.g. \(mismatches.current.prefix(3))")

        guard let state = try StateSnapshot(copying: workspace.statePath) else {
            Issue.record("\(label): no state at \(workspace.statePath)")
            return
        }
        #expect(try state.integrityCheck() == ["ok"], "\(label): integrity_check")
        #expect(try state.database.query("PRAGMA foreign_key_check") { $0.text(0) ?? "" }.isEmpty, "\(label): foreign_key_check")
        // The ledger: one row per object ever (not merely one current row), each verified by checksum.
        var ledger: [String: [(bucket: String, name: String, crc32c: String?, level: String?, removed: Bool)]] = [:]
        for row in try state.database.query(
            """
            SELECT c.source_name, b.name, c.target_name, c.crc32c, \(levelName), c.removed_serial IS NOT NULL
            FROM copies c JOIN ledger_buckets b ON b.id = c.target_bucket_id
            """, [], {
                ($0.text(0) ?? "", ($0.text(1) ?? "", $0.text(2) ?? "", $0.text(3), $0.text(4), $0.int(5) == 1))
            }) {
            ledger[row.0, default: []].append((row.1.0, row.1.1, row.1.2, row.1.3, row.1.4))
        }
        var wrong: [String] = []
        for item in fixture.items {
            let rows = ledger[item.source] ?? []
            guard rows.count == 1, let row = rows.first else {
                wrong.append("\(item.source): \(rows.count) ledger rows")
                continue
            }
            if row.bucket != item.targetBucket || row.name != item.target || row.crc32c != item.crc32c || row.level != "checksum" || row.removed {
                wrong.append("\(item.source): ledger row \(row)")
            }
        }
        #expect(ledger.count == fixture.items.count, "\(label): the ledger names \(ledger.count) sources, expected \(fixture.items.count)")
        #expect(wrong.isEmpty, "\(label): \(wrong.count) object(s) without exactly one good ledger row, e.g. \(wrong.prefix(5))")
        // Deletions: one per moved source, each of the generation that was copied and verified.
        let moved = fixture.items.filter(\.moved).count
        #expect(try state.int("SELECT COUNT(*) FROM deletions") == Int64(moved), "\(label): deletion rows")
        #expect(try state.int("SELECT COUNT(DISTINCT name) FROM deletions") == Int64(moved), "\(label): distinct deleted names")
        #expect(try state.int("SELECT COUNT(*) FROM deletions WHERE pending = 1") == 0, "\(label): deletions left pending")
        let unbacked = try state.int("""
            SELECT COUNT(*) FROM deletions d LEFT JOIN copies c ON c.id = d.copy_id
            WHERE c.id IS NULL OR c.verify_level = 0 OR c.source_name != d.name OR c.source_bucket_id != d.bucket_id
               OR c.source_generation != d.generation
            """)
        #expect(unbacked == 0, "\(label): \(unbacked) deletion(s) not backed by a verified copy of that generation")
        #expect(try state.text("SELECT status FROM runs ORDER BY serial DESC LIMIT 1") == "succeeded", "\(label): last run status")
        #expect(try state.int("SELECT COUNT(*) FROM journal WHERE state = 'intent' AND serial = (SELECT MAX(serial) FROM runs)") == 0,
                "\(label): unfinished journal entries in the last run")

        let again = try await workspace.decant(["plan", "--env", "dev", "--detailed-exitcode"])
        #expect(again.status == 0, "\(label): a plan after convergence still has changes: \(again)")
    }

    /// After `rollback --to 0` (DESIGN.md §4 invariants 4 and 5): nothing decant made
    /// is left, whatever crashes came before. The buckets decant created are gone,
    /// so no object decant wrote is left in them; the source holds every original
    /// object, byte for byte, and nothing else; the state has nothing left to undo.
    static func checkRolledBackToZero(_ fixture: MigrationFixture, store: any ObjectStore, workspace: DecantWorkspace,
                                      label: String) async throws {
        let rollback = try await workspace.decant(["rollback", "--env", "dev", "--to", "0", "--auto-approve"])
        #expect(rollback.status == 0, "\(label): rollback --to 0: \(rollback)")
        for bucket in [fixture.keepBucket, fixture.movedBucket] {
            let left = try await MigrationFixture.list(store, bucket)
            #expect(try await store.getBucket(bucket) == nil,
                    "\(label): after rollback --to 0 the bucket decant created, \(bucket), is still there with \(left.count) object(s), e.g. \(left.keys.sorted().prefix(3))")
        }
        let sources = try await MigrationFixture.list(store, fixture.sourceBucket)
        #expect(Set(sources.keys) == Set(fixture.items.map(\.source)),
                "\(label): after rollback --to 0 the source holds \(sources.count) objects, expected the \(fixture.items.count) originals")
        let wrong = fixture.items.filter { sources[$0.source] != nil && sources[$0.source]?.crc32c != $0.crc32c }
        #expect(wrong.isEmpty, "\(label): \(wrong.count) restored source(s) with other bytes, e.g. \(wrong.prefix(3).map(\.source))")
        let again = try await workspace.decant(["rollback", "--env", "dev", "--to", "0", "--plan-only"])
        #expect(again.stderr.contains("Nothing to roll back") || !again.stdout.contains("Left alone"),
                "\(label): a second rollback --to 0 still finds something: \(again)")
    }
}
