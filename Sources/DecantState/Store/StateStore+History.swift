import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// Every run, oldest first, with what it recorded counted from the ledger.
    public func history() throws(StateError) -> [RunSummary] {
        try withDatabase { database in
            let runs = try database.query("SELECT \(Self.runColumns) FROM runs ORDER BY serial", [], Self.runRecord)
            var ledger: [Int64: LedgerCounts] = [:]
            func add(_ sql: String, _ update: (inout LedgerCounts, Int, Int64) -> Void) throws {
                for (serial, count, sum) in try database.query(sql, [], { ($0.int(0) ?? 0, Int($0.int(1) ?? 0), $0.int(2) ?? 0) }) {
                    update(&ledger[serial, default: LedgerCounts()], count, sum)
                }
            }
            try add("SELECT serial, COUNT(*), 0 FROM created_buckets GROUP BY serial") { counts, n, _ in counts.bucketsCreated = n }
            try add("SELECT serial, COUNT(*), 0 FROM bucket_changes GROUP BY serial") { counts, n, _ in counts.bucketsChanged = n }
            try add("SELECT serial, COUNT(*), SUM(size) FROM copies WHERE adopted = 0 GROUP BY serial") { counts, n, bytes in
                counts.objectsCopied = n
                counts.bytesCopied = bytes
            }
            try add("SELECT serial, COUNT(*), 0 FROM copies WHERE adopted = 1 GROUP BY serial") { counts, n, _ in counts.objectsAdopted = n }
            try add("SELECT verified_serial, COUNT(*), 0 FROM copies WHERE verified_serial IS NOT NULL GROUP BY verified_serial") { counts, n, _ in
                counts.objectsVerified = n
            }
            try add("SELECT serial, COUNT(*), 0 FROM deletions WHERE pending = 0 GROUP BY serial") { counts, n, _ in counts.objectsDeleted = n }
            try add("SELECT serial, COUNT(*), 0 FROM code_edits GROUP BY serial") { counts, n, _ in counts.codeEdits = n }
            try add("SELECT removed_serial, COUNT(*), 0 FROM copies WHERE removed_reason = 'rollback' AND adopted = 0 GROUP BY removed_serial") { counts, n, _ in
                counts.copiesRemoved = n
            }
            // An adopted copy is never deleted by a rollback: only its record is dropped.
            try add("SELECT removed_serial, COUNT(*), 0 FROM copies WHERE removed_reason = 'rollback' AND adopted = 1 GROUP BY removed_serial") { counts, n, _ in
                counts.adoptedForgotten = n
            }
            try add("SELECT restored_serial, COUNT(*), 0 FROM deletions WHERE restored_serial IS NOT NULL GROUP BY restored_serial") { counts, n, _ in
                counts.sourcesRestored = n
            }
            try add("SELECT reverted_serial, COUNT(*), 0 FROM code_edits WHERE reverted_serial IS NOT NULL GROUP BY reverted_serial") { counts, n, _ in
                counts.codeReverted = n
            }
            try add("SELECT deleted_serial, COUNT(*), 0 FROM created_buckets WHERE deleted_serial IS NOT NULL GROUP BY deleted_serial") { counts, n, _ in
                counts.bucketsDeleted = n
            }
            try add("SELECT restored_serial, COUNT(*), 0 FROM bucket_changes WHERE restored_serial IS NOT NULL GROUP BY restored_serial") { counts, n, _ in
                counts.bucketsRestored = n
            }
            try add("SELECT serial, COUNT(*), 0 FROM iam_changes WHERE set_ms IS NOT NULL GROUP BY serial") { counts, n, _ in counts.accessSet = n }
            try add("SELECT restored_serial, COUNT(*), 0 FROM iam_changes WHERE restored_serial IS NOT NULL GROUP BY restored_serial") { counts, n, _ in
                counts.accessRestored = n
            }
            var journal: [Int64: JournalTally] = [:]
            for (serial, state, count) in try database.query("SELECT serial, state, COUNT(*) FROM journal GROUP BY serial, state", [], {
                ($0.int(0) ?? 0, JournalState(rawValue: $0.text(1) ?? ""), Int($0.int(2) ?? 0))
            }) {
                switch state {
                case .intent?: journal[serial, default: JournalTally()].intent = count
                case .done?: journal[serial, default: JournalTally()].done = count
                case .failed?: journal[serial, default: JournalTally()].failed = count
                case nil: break
                }
            }
            return runs.map { RunSummary(run: $0, ledger: ledger[$0.serial] ?? LedgerCounts(), journal: journal[$0.serial] ?? JournalTally()) }
        }
    }

    /// Totals for `decant state show`.
    public func stats() throws(StateError) -> StateStats {
        let version = try schemaVersion
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return try withDatabase { database in
            func count(_ sql: String) throws -> Int { Int(try database.scalarInt(sql) ?? 0) }
            var byStatus: [String: Int] = [:]
            for (status, n) in try database.query("SELECT status, COUNT(*) FROM runs GROUP BY status", [], {
                ($0.text(0) ?? "", Int($0.int(1) ?? 0))
            }) { byStatus[status] = n }
            return StateStats(
                lineage: lineage,
                serial: try database.scalarInt("SELECT COALESCE(MAX(serial), 0) FROM runs") ?? 0,
                schemaVersion: version,
                runs: try count("SELECT COUNT(*) FROM runs"),
                runsByStatus: byStatus,
                currentCopies: try count("SELECT COUNT(*) FROM copies WHERE removed_serial IS NULL"),
                verifiedCopies: try count("SELECT COUNT(*) FROM copies WHERE removed_serial IS NULL AND verify_level > 0"),
                adoptedCopies: try count("SELECT COUNT(*) FROM copies WHERE removed_serial IS NULL AND adopted = 1"),
                currentBytes: try database.scalarInt("SELECT COALESCE(SUM(size), 0) FROM copies WHERE removed_serial IS NULL") ?? 0,
                adoptedBytes: try database.scalarInt("SELECT COALESCE(SUM(size), 0) FROM copies WHERE removed_serial IS NULL AND adopted = 1") ?? 0,
                deletedSources: try count("SELECT COUNT(*) FROM deletions WHERE pending = 0"),
                restoredSources: try count("SELECT COUNT(*) FROM deletions WHERE restored_serial IS NOT NULL"),
                liveCreatedBuckets: try count("SELECT COUNT(*) FROM created_buckets WHERE deleted_serial IS NULL"),
                bucketChanges: try count("SELECT COUNT(*) FROM bucket_changes"),
                codeEdits: try count("SELECT COUNT(*) FROM code_edits WHERE reverted_serial IS NULL"),
                pendingIntents: try count("SELECT COUNT(*) FROM journal WHERE state = 'intent' AND serial IN (SELECT serial FROM runs WHERE status <> 'running')"),
                fileBytes: fileBytes)
        }
    }
}

extension StateStore {
    /// What decant manages now (`decant state list`).
    public func listing() throws(StateError) -> StateListing {
        StateListing(createdBuckets: try createdBuckets(), bucketChanges: try bucketChanges(includeRestored: false),
                     migrations: try migrationTotals(), codeEdits: try codeEdits(includeReverted: false))
    }

    /// Current copies and deletions per migration, by migration name.
    public func migrationTotals() throws(StateError) -> [MigrationTotals] {
        try withDatabase { database in
            var totals: [String: MigrationTotals] = [:]
            let context = LedgerRowContext(names: names, database: database)
            _ = try database.query("""
                SELECT migration_id, COUNT(*), SUM(verify_level > 0), SUM(adopted), COALESCE(SUM(size), 0)
                FROM copies WHERE removed_serial IS NULL GROUP BY migration_id
                """) { row in
                let name = try context.migration(row.int(0))
                totals[name] = MigrationTotals(migration: name, copies: Int(row.int(1) ?? 0), verified: Int(row.int(2) ?? 0),
                                               adopted: Int(row.int(3) ?? 0), bytes: row.int(4) ?? 0, deletedSources: 0)
            }
            _ = try database.query("""
                SELECT c.migration_id, COUNT(*) FROM deletions d JOIN copies c ON c.id = d.copy_id
                WHERE d.pending = 0 AND d.restored_serial IS NULL GROUP BY c.migration_id
                """) { row in
                let name = try context.migration(row.int(0))
                totals[name, default: MigrationTotals(migration: name, copies: 0, verified: 0, adopted: 0, bytes: 0, deletedSources: 0)]
                    .deletedSources = Int(row.int(1) ?? 0)
            }
            return totals.values.sorted { $0.migration < $1.migration }
        }
    }
}
