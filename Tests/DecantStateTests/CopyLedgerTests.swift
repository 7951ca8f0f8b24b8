import DecantCore
import DecantSQLite
@testable import DecantState
import Foundation
import Testing
import TestSupport

@Suite struct CopyLedgerTests {
    @Test func recordingTheSameCopyTwiceKeepsOneRow() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let batch = [copyRecord("a"), copyRecord("b")]
        #expect(try await store.recordCopies(batch, serial: serial).inserted == 2)
        let again = try await store.recordCopies(batch, serial: serial)
        #expect(again.inserted == 0)
        #expect(again.unchanged == 2)
        #expect(try await store.stats().currentCopies == 2)
        // Another generation of the same source is another copy.
        #expect(try await store.recordCopies([copyRecord("a", generation: 2, targetGeneration: 101)], serial: serial).inserted == 1)
        #expect(try await store.copies(sourceBucket: "data-bucket-dev", sourceName: "a").map(\.key.sourceGeneration) == [1, 2])
    }

    @Test func planningEntriesAreTheCurrentRowsInTheSameOrderAcrossPages() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let names = (0..<23).map { "historization/part-\(String($0 * 7 % 23).leftPadded(to: 3))" } + ["other/x", "historization"]
        try await store.recordCopies(names.enumerated().map { copyRecord($1, verified: $0 % 2 == 0) }, serial: serial)
        try await store.recordCopies([copyRecord("historization/part-005", generation: 2, targetGeneration: 7)], serial: serial)
        let rows = try await store.copies(sourceBucket: "data-bucket-dev", prefix: "historization/", verifiedOnly: false).all()
        var entries: [LedgerEntry] = []
        for try await page in store.ledgerEntries(sourceBucket: "data-bucket-dev", prefix: "historization/", pageSize: 4) { entries += page }
        #expect(entries.count == 24)
        #expect(entries == rows.map {
            LedgerEntry(sourceName: $0.key.sourceName, sourceGeneration: $0.key.sourceGeneration, targetBucket: $0.key.targetBucket,
                        targetName: $0.key.targetName, targetGeneration: $0.record.targetGeneration, verification: $0.record.verification)
        })
        #expect(entries.filter(\.isVerified).count == rows.filter(\.isVerified).count)
    }

    @Test func recordingAgainAfterACrashInANewRunIsIdempotentToo() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open(probe: .allDead)
        let first = try await store.beginRun(kind: .apply, planDigest: nil)
        try await store.recordCopies((0..<10).map { copyRecord("obj-\($0)") }, serial: first)
        let second = try await store.beginRun(kind: .apply, planDigest: nil)  // first is marked interrupted
        let result = try await store.recordCopies((0..<20).map { copyRecord("obj-\($0)") }, serial: second)
        #expect(result.unchanged == 10)
        #expect(result.inserted == 10)
        let rows = try await store.copies(sourceBucket: "data-bucket-dev", prefix: "", verifiedOnly: false).all()
        #expect(rows.count == 20)
        #expect(rows.first { $0.key.sourceName == "obj-3" }?.serial == first)
    }

    @Test func aNewTargetGenerationSupersedesTheOldRow() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        try await store.recordCopies([copyRecord("a", targetGeneration: 100, verified: true)], serial: serial)
        let result = try await store.recordCopies([copyRecord("a", targetGeneration: 200)], serial: serial)
        #expect(result.superseded == 1)
        let all = try await store.copies(targetBucket: "archive-bucket-dev", targetName: "archives/a", includeRemoved: true)
        #expect(all.map(\.record.targetGeneration) == [100, 200])
        #expect(all.map(\.removal) == [.superseded, nil])
        let current = try #require(try await store.copy(copyRecord("a").key))
        #expect(current.record.targetGeneration == 200)
        #expect(!current.isVerified)
    }

    @Test func verificationIsRecordedAndNeverLowered() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        try await store.recordCopies([copyRecord("a"), copyRecord("b")], serial: serial)
        let missing = CopyKey(sourceBucket: "data-bucket-dev", sourceName: "zzz", sourceGeneration: 1,
                              targetBucket: "archive-bucket-dev", targetName: "archives/zzz")
        #expect(try await store.markVerified([copyRecord("a").key, missing], level: .checksum, serial: serial) == 1)
        try await store.markVerified([copyRecord("a").key], level: .size, serial: serial)
        let row = try #require(try await store.copy(copyRecord("a").key))
        #expect(row.record.verification?.level == .checksum)
        #expect(row.verifiedSerial == serial)
        #expect(try await store.copy(copyRecord("b").key)?.isVerified == false)
        // Adopted copies arrive verified; recording them again as verified keeps one row.
        try await store.recordCopies([copyRecord("b", verified: true, adopted: false)], serial: serial)
        #expect(try await store.copy(copyRecord("b").key)?.isVerified == true)
        #expect(try await store.stats().verifiedCopies == 2)
    }

    @Test func verifiedCopiesStreamIsSortedByteWiseAndLimitedToThePrefix() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let inside = ["historization/tracking/b.parquet", "historization/tracking/a.parquet", "historization/Z",
                      "historization/é.parquet", "historization/\u{10FFFF}x", "historization/a/b", "historization/a-b",
                      "historization/"]
        let outside = ["historization", "historizationX/a", "historizatioN/a", "QPI_exports/a", "historizatio"]
        var records = (inside + outside).map { copyRecord($0, verified: true) }
        records.append(copyRecord("historization/unverified"))
        records.append(copyRecord("historization/other-bucket", sourceBucket: "other-bucket", verified: true))
        records.append(copyRecord("historization/tracking/a.parquet", generation: 7, targetGeneration: 300, verified: true))
        try await store.recordCopies(records.shuffled(), serial: serial)

        for pageSize in [1, 2, 3, 1000] {
            let rows = try await store.verifiedCopies(sourceBucket: "data-bucket-dev", prefix: "historization/",
                                                      pageSize: pageSize).all()
            let names = rows.map(\.key.sourceName)
            let expected = (inside + ["historization/tracking/a.parquet"]).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(names == expected, "page size \(pageSize)")
            #expect(rows.filter { $0.key.sourceName == "historization/tracking/a.parquet" }.map(\.key.sourceGeneration) == [1, 7])
        }
        let pages = store.verifiedCopies(sourceBucket: "data-bucket-dev", prefix: "historization/tracking/", pageSize: 2)
        var sizes: [Int] = []
        for try await page in pages { sizes.append(page.count) }
        #expect(sizes == [2, 1])
        #expect(try await store.verifiedCopies(sourceBucket: "data-bucket-dev", prefix: "nothing/").all().isEmpty)
        #expect(try await store.verifiedCopies(sourceBucket: "data-bucket-dev").all().count == inside.count + outside.count + 1)
        let withUnverified = try await store.copies(sourceBucket: "data-bucket-dev", prefix: "historization/", verifiedOnly: false).all()
        #expect(withUnverified.contains { $0.key.sourceName == "historization/unverified" })
    }

    @Test func copiesAreFoundBySourceAndByTarget() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        try await store.recordCopies([copyRecord("a", verified: true), copyRecord("b")], serial: serial)
        let bySource = try await store.copies(sourceBucket: "data-bucket-dev", sourceName: "a")
        #expect(bySource.count == 1)
        let row = try #require(bySource.first)
        #expect(row.record == copyRecord("a", verified: true))
        #expect(try await store.copies(targetBucket: "archive-bucket-dev", targetName: "archives/b").map(\.key.sourceName) == ["b"])
        #expect(try await store.copy(id: row.id) == row)
        #expect(try await store.copies(targetBucket: "archive-bucket-dev", targetName: "archives/none").isEmpty)
    }

    @Test func aDeletionNeedsAVerifiedCopyAndIsRecordedOnce() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        try await store.recordCopies([copyRecord("a", verified: true), copyRecord("b")], serial: serial)
        await #expect(throws: StateError.unjustifiedDeletion(copyRecord("b").key)) {
            try await store.recordDeletions([copyRecord("a").key, copyRecord("b").key], serial: serial)
        }
        #expect(try await store.stats().deletedSources == 0, "a refused batch records nothing")
        let ids = try await store.recordDeletions([copyRecord("a").key], serial: serial)
        #expect(try await store.recordDeletions([copyRecord("a").key], serial: serial) == ids)
        let deletion = try #require(try await store.deletion(bucket: "data-bucket-dev", name: "a", generation: 1))
        #expect(deletion.id == ids.first)
        #expect(deletion.copy.key == copyRecord("a").key)
        #expect(deletion.copy.isVerified)
        #expect(try await store.stats().deletedSources == 1)
    }

    /// Invariant 1 across a machine crash: with `synchronous=NORMAL` a commit sits in
    /// the write-ahead log, unsynced, until a checkpoint, and a power loss may take it
    /// back. The pending deletions (written just before the delete calls) and the
    /// verified copies that justify them must be in the database file itself, synced,
    /// before any delete: the main file alone, without its -wal, holds them.
    @Test func pendingDeletionsAndTheirCopiesAreInTheDatabaseFileBeforeTheDeletes() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let records = (0..<50).map { copyRecord("part-\($0)", verified: true) }
        try await store.recordCopies(records, serial: serial)
        let ids = try await store.recordDeletions(records.map(\.key), serial: serial, pending: true)
        #expect(ids.count == 50)

        // What a power loss right now leaves if the log is lost: the main file alone.
        let alone = state.directory.url.appendingPathComponent("alone.db").path
        try FileManager.default.copyItem(atPath: state.path, toPath: alone)
        let copy = try SQLiteDatabase(path: alone)
        defer { copy.close() }
        #expect(try copy.scalarInt("SELECT count(*) FROM deletions WHERE pending = 1") == 50)
        #expect(try copy.scalarInt("""
            SELECT count(*) FROM deletions d JOIN copies c ON c.id = d.copy_id WHERE c.verify_level = 3 AND c.removed_serial IS NULL
            """) == 50)
        await store.close()
    }
}
