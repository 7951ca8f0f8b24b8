import DecantCore
import Foundation

/// What a state and an apply return, for the state and apply renderers' golden files:
/// every line those views can print appears at least once.
enum StateFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_795_651_200) // 2026-11-26T00:00:00Z
    static let owner = RunOwner(user: "ana", host: "ci-7", pid: 4242)

    static func run(_ serial: Int64, _ kind: RunKind, _ status: RunStatus, rollbackTo: Int64? = nil, summary: [String: Int64] = [:],
                    pinnedNow: Date? = nil, deletesByPinnedNow: Bool = false) -> RunRecord {
        RunRecord(serial: serial, kind: kind, status: status, started: t0.addingTimeInterval(Double(serial) * 3600),
                  finished: status == .running ? nil : t0.addingTimeInterval(Double(serial) * 3600 + 62.5),
                  planDigest: "3f2a9c1e00aa11bb22cc", inputDigest: "3f2a9c1e00aa11bb22cc", owner: owner, version: "0.0.0-test",
                  summary: summary, rollbackTo: rollbackTo, pinnedNow: pinnedNow, deletesByPinnedNow: deletesByPinnedNow)
    }

    static func history() -> [RunSummary] {
        var applied = LedgerCounts()
        applied.bucketsCreated = 1
        applied.bucketsChanged = 2
        applied.objectsCopied = 1204
        applied.bytesCopied = 3_435_973_837
        applied.objectsAdopted = 5
        applied.objectsVerified = 1209
        applied.codeEdits = 1
        var deleted = LedgerCounts()
        deleted.objectsDeleted = 300
        var undone = LedgerCounts()
        undone.copiesRemoved = 1
        undone.adoptedForgotten = 5
        undone.sourcesRestored = 300
        undone.codeReverted = 1
        undone.bucketsRestored = 2
        undone.bucketsDeleted = 1
        var many = LedgerCounts()
        many.copiesRemoved = 1203
        var failed = JournalTally()
        failed.done = 3
        failed.failed = 2
        failed.intent = 1
        return [
            RunSummary(run: run(1, .apply, .succeeded), ledger: applied, journal: JournalTally()),
            RunSummary(run: run(2, .apply, .succeeded, pinnedNow: t0.addingTimeInterval(20 * 86_400), deletesByPinnedNow: true),
                       ledger: deleted, journal: JournalTally()),
            RunSummary(run: run(3, .apply, .failed, summary: [RunRecord.lockLostKey: 1], pinnedNow: t0.addingTimeInterval(86_400)),
                       ledger: LedgerCounts(), journal: failed),
            RunSummary(run: run(4, .rollback, .interrupted, rollbackTo: 0), ledger: many, journal: JournalTally()),
            RunSummary(run: run(5, .rollback, .succeeded, rollbackTo: 0), ledger: undone, journal: JournalTally()),
            RunSummary(run: run(6, .apply, .running), ledger: LedgerCounts(), journal: JournalTally()),
        ]
    }

    static let settings = BucketSettings(location: "EUROPE-WEST1", storageClass: .standard, labels: ["use_case": "historization"],
                                         versioning: false, uniformAccess: true, retentionPeriodSeconds: 86_400,
                                         lifecycle: [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 0))])

    static func createdBuckets() -> [CreatedBucketRow] {
        [CreatedBucketRow(id: 1, name: "archive-bucket-dev", project: "passculture-data-ehp", settings: settings, serial: 1,
                          created: t0.addingTimeInterval(3600), deletedSerial: nil)]
    }

    static func bucketChanges() -> [BucketChangeRow] {
        let previous = BucketSettings(location: "EUROPE-WEST1", storageClass: .standard, labels: ["owner": "ana"], versioning: false)
        var new = previous
        new.labels = ["owner": "ana", "use_case": "seed-data"]
        new.storageClass = .nearline
        return [BucketChangeRow(id: 1, change: BucketChangeRecord(name: "seed-data-bucket-dev", actionID: ActionID("update_bucket", "seed-data-bucket-dev"),
                                                                  previous: previous, new: new, metagenerationBefore: 3, metagenerationAfter: 4),
                                serial: 1, changed: t0.addingTimeInterval(3601), restoredSerial: nil)]
    }

    static func migrations() -> [MigrationTotals] {
        [MigrationTotals(migration: "historization", copies: 1209, verified: 1209, adopted: 5, bytes: 3_437_022_413, deletedSources: 300),
         MigrationTotals(migration: "ml_temp", copies: 1, verified: 0, adopted: 0, bytes: 512, deletedSources: 0)]
    }

    static func codeEdits() -> [CodeEditRow] {
        let edit = CodeEdit(path: "orchestration/dags/common/config.py", beforeContent: "A = 1\n", afterContent: "A = 2\n",
                            patch: "", migrations: ["historization"])
        return [CodeEditRow(id: 1, edit: edit, serial: 1, edited: t0.addingTimeInterval(3602), revertedSerial: nil)]
    }

    static func stats() -> StateStats {
        StateStats(lineage: "9c1e0000-aaaa-4bbb-8ccc-0123456789ab", serial: 6, schemaVersion: 5, runs: 6,
                   runsByStatus: ["succeeded": 3, "failed": 1, "interrupted": 1, "running": 1],
                   currentCopies: 1210, verifiedCopies: 1209, adoptedCopies: 5, currentBytes: 3_437_022_925, adoptedBytes: 5_242_880,
                   deletedSources: 300, restoredSources: 0, liveCreatedBuckets: 1, bucketChanges: 1, codeEdits: 1,
                   pendingIntents: 0, fileBytes: 1_081_344)
    }

    static func lock() -> LockInfo {
        LockInfo(id: "7d1e3c2a-5b4f-4e1d-9a6b-2c8f0e4d1a3b", who: "ana@ci-7", host: "ci-7", pid: 4242, operation: "apply",
                 created: t0.addingTimeInterval(6 * 3600), version: "0.0.0-test")
    }

    /// An apply that did everything, and one where a copy failed and what depended on it was skipped.
    static func applyResults() -> (succeeded: ApplyResult, failed: ApplyResult) {
        func outcome(_ kind: ActionKind, _ id: String, _ status: ActionOutcome.Status = .succeeded, _ tally: Tally = Tally(objects: 1),
                     failures: Int = 0, errors: [String] = []) -> ActionOutcome {
            ActionOutcome(id: ActionID(kind.rawValue, id), kind: kind, migration: "historization", status: status, done: tally,
                          failures: failures, errors: errors)
        }
        let everything = [
            outcome(.createBucket, "archive-bucket-dev"), outcome(.updateBucket, "seed-data-bucket-dev"),
            outcome(.setLifecycle, "archive-bucket-dev"), outcome(.copy, "historization:0001", .succeeded, Tally(objects: 1204, bytes: 3_435_973_837)),
            outcome(.verify, "historization:0001", .succeeded, Tally(objects: 1209, bytes: 3_437_022_413)),
            outcome(.rewriteCode, "orchestration/dags/common/config.py"),
            outcome(.deleteSource, "historization:0001", .succeeded, Tally(objects: 300, bytes: 838_860_800)),
            outcome(.restoreObject, "historization:0001", .succeeded, Tally(objects: 2, bytes: 2048)),
            outcome(.deleteCopy, "historization:0002", .succeeded, Tally(objects: 3, bytes: 3072)),
            outcome(.revertCode, "orchestration/dags/common/config.py"), outcome(.restoreBucket, "seed-data-bucket-dev"),
            outcome(.deleteBucket, "archive-bucket-dev"),
        ]
        let succeeded = ApplyResult(serial: 4, status: .succeeded, startedAt: t0, finishedAt: t0.addingTimeInterval(12.34),
                                    elapsed: 12.34, outcomes: everything)
        let broken = [
            outcome(.createBucket, "archive-bucket-dev"),
            outcome(.copy, "historization:0001", .failed, Tally(objects: 1200, bytes: 3_000_000_000), failures: 4,
                    errors: ["gs://data-bucket-dev/historization/a.parquet: precondition failed", "gs://data-bucket-dev/historization/b.parquet: 503"]),
            outcome(.copy, "historization:0002", .failed, Tally(), errors: ["the storage endpoint stopped answering"]),
            outcome(.verify, "historization:0001", .skipped, Tally(), errors: ["a dependency failed: copy:historization:0001"]),
        ]
        let failed = ApplyResult(serial: 5, status: .failed, startedAt: t0, finishedAt: t0.addingTimeInterval(0.25),
                                 elapsed: 0.25, outcomes: broken)
        return (succeeded, failed)
    }
}
