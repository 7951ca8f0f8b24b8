import DecantCore
@testable import DecantState
import Foundation
import Testing
import TestSupport

@Suite struct RollbackAndHistoryTests {
    /// Serial 1 creates a bucket and copies a, b; serial 2 changes the bucket,
    /// copies c, verifies all, deletes a and c, edits one file.
    func twoApplies(_ store: StateStore) async throws {
        let one = try await store.beginRun(kind: .apply, planDigest: "p1")
        try await store.recordBucketCreated(name: "archive-bucket-dev", project: "ehp",
                                            settings: BucketSettings(location: "europe-west1", storageClass: .standard), serial: one)
        try await store.recordCopies([copyRecord("a"), copyRecord("b", adopted: true)], serial: one)
        try await store.finishRun(serial: one, status: .succeeded)

        let two = try await store.beginRun(kind: .apply, planDigest: "p2")
        try await store.recordBucketChanged(BucketChangeRecord(
            name: "archive-bucket-dev", actionID: ActionID(rawValue: "update_bucket:archive"),
            previous: BucketSettings(labels: [:]), new: BucketSettings(labels: ["use_case": "historization"]),
            metagenerationBefore: 1, metagenerationAfter: 2), serial: two)
        try await store.recordBucketChanged(BucketChangeRecord(
            name: "data-bucket-dev", previous: BucketSettings(versioning: false), new: BucketSettings(versioning: true),
            metagenerationBefore: 4, metagenerationAfter: 5), serial: two)
        try await store.recordCopies([copyRecord("c", size: 5)], serial: two)
        try await store.markVerified(["a", "b", "c"].map { copyRecord($0).key }, level: .checksum, serial: two)
        try await store.recordDeletions([copyRecord("a").key, copyRecord("c").key], serial: two)
        try await store.recordCodeEdit(CodeEdit(path: "jobs/export.py", beforeContent: "gs://data-bucket-dev/historization/\n",
                                                afterContent: "gs://archive-bucket-dev/archives/\n", patch: "--- a\n+++ b\n",
                                                migrations: ["historization"]), serial: two)
        try await store.finishRun(serial: two, status: .succeeded)
    }

    @Test func everythingAfterASerialIsWhatRollbackUndoes() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        try await twoApplies(store)

        let toOne = try await store.rollbackScope(to: 1)
        #expect(toOne.currentSerial == 2)
        #expect(toOne.createdBuckets.isEmpty)
        #expect(toOne.bucketChanges.map(\.change.name) == ["data-bucket-dev", "archive-bucket-dev"], "newest first")
        #expect(toOne.bucketChanges.last?.change.previous == BucketSettings(labels: [:]))
        #expect(toOne.codeEdits.map(\.edit.path) == ["jobs/export.py"])
        #expect(toOne.copies == 1)
        #expect(toOne.deletions == 2)
        #expect(try await store.copiesMade(after: 1).all().map(\.key.sourceName) == ["c"])
        let deletions = try await store.deletions(after: 1, pageSize: 1).all()
        #expect(deletions.map(\.object.name) == ["c", "a"])
        #expect(deletions.allSatisfy { $0.copy.isVerified && $0.copy.key.sourceName == $0.object.name })

        let toZero = try await store.rollbackScope(to: 0)
        #expect(toZero.createdBuckets.map(\.name) == ["archive-bucket-dev"])
        #expect(toZero.createdBuckets.first?.settings.location == "europe-west1")
        #expect(toZero.copies == 3)
        #expect(try await store.copiesMade(after: 0, pageSize: 2).all().map(\.key.sourceName) == ["c", "b", "a"])
        #expect(try await store.rollbackScope(to: 2).isEmpty)
        await #expect(throws: StateError.invalidRollbackTarget(serial: 3, current: 2)) { _ = try await store.rollbackScope(to: 3) }
    }

    @Test func whatARollbackUndoesLeavesTheScope() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        try await twoApplies(store)
        let scope = try await store.rollbackScope(to: 0)
        let rollback = try await store.beginRun(kind: .rollback, planDigest: "r", rollbackTo: 0)
        let deletions = try await store.deletions(after: 0).all()
        try await store.recordSourcesRestored(deletions.map { (deletionID: $0.id, generation: 900 + $0.id) }, serial: rollback)
        let copies = try await store.copiesMade(after: 0).all()
        try await store.recordCopiesRemoved(copies.map(\.id), serial: rollback)
        try await store.recordCopiesRemoved(copies.map(\.id), serial: rollback)  // a resumed rollback repeats itself harmlessly
        for edit in scope.codeEdits { try await store.recordCodeReverted(editID: edit.id, serial: rollback) }
        for change in scope.bucketChanges { try await store.recordBucketRestored(changeID: change.id, serial: rollback) }
        try await store.recordBucketDeleted(name: "archive-bucket-dev", serial: rollback)
        try await store.finishRun(serial: rollback, status: .succeeded)

        #expect(try await store.rollbackScope(to: 0).isEmpty)
        let restored = try #require(try await store.deletion(bucket: "data-bucket-dev", name: "a", generation: 1))
        #expect(restored.restoredSerial == rollback)
        #expect(restored.restoredGeneration == 900 + restored.id)
        #expect(try await store.createdBucket(named: "archive-bucket-dev") == nil)
        #expect(try await store.createdBuckets(includeDeleted: true).first?.deletedSerial == rollback)
        #expect(try await store.codeEdits(includeReverted: false).isEmpty)
        #expect(try await store.codeEdits().first?.revertedSerial == rollback)
        #expect(try await store.bucketChanges(includeRestored: false).isEmpty)
        #expect(try await store.copies(targetBucket: "archive-bucket-dev", targetName: "archives/a", includeRemoved: true)
            .first?.removal == .rollback)

        // Undoing twice under another serial, or a row that does not exist, is refused.
        let again = try await store.beginRun(kind: .rollback, planDigest: nil, rollbackTo: 0)
        await #expect(throws: StateError.unknownLedgerRow(table: "copies", id: copies[0].id)) {
            try await store.recordCopiesRemoved([copies[0].id], serial: again)
        }
        await #expect(throws: StateError.unknownLedgerRow(table: "code_edits", id: 999)) {
            try await store.recordCodeReverted(editID: 999, serial: again)
        }
        await #expect(throws: StateError.self) { try await store.recordBucketDeleted(name: "archive-bucket-dev", serial: again) }
    }

    @Test func historyCountsWhatEachRunDid() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        try await twoApplies(store)
        let rollback = try await store.beginRun(kind: .rollback, planDigest: nil, rollbackTo: 1)
        try await store.journalIntent(serial: rollback, action: action("delete_copy:c", kind: .deleteCopy))
        let copies = try await store.copiesMade(after: 1).all()
        try await store.recordCopiesRemoved(copies.map(\.id), serial: rollback)
        try await store.journalDone(serial: rollback, actionID: ActionID(rawValue: "delete_copy:c"))
        try await store.finishRun(serial: rollback, status: .failed)

        let history = try await store.history()
        #expect(history.map(\.run.serial) == [1, 2, 3])
        #expect(history.map(\.run.status) == [.succeeded, .succeeded, .failed])
        let one = history[0].ledger, two = history[1].ledger, three = history[2].ledger
        #expect(one.bucketsCreated == 1)
        #expect(one.objectsCopied == 1 && one.objectsAdopted == 1 && one.bytesCopied == 10)
        #expect(two.bucketsChanged == 2)
        #expect(two.objectsCopied == 1 && two.bytesCopied == 5)
        #expect(two.objectsVerified == 3)
        #expect(two.objectsDeleted == 2)
        #expect(two.codeEdits == 1)
        #expect(three.copiesRemoved == 1)
        #expect(history[2].journal.done == 1)
        #expect(history[2].run.rollbackTo == 1)

        let stats = try await store.stats()
        #expect(stats.serial == 3)
        #expect(stats.runs == 3)
        #expect(stats.runsByStatus == ["succeeded": 2, "failed": 1])
        #expect(stats.currentCopies == 2)
        #expect(stats.verifiedCopies == 2)
        #expect(stats.adoptedCopies == 1)
        #expect(stats.deletedSources == 2)
        #expect(stats.liveCreatedBuckets == 1)
        #expect(stats.fileBytes > 0)
        #expect(try await store.integrityCheck() == "ok")
    }

    @Test func recordingABucketCreatedTwiceKeepsOneRow() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let id = try await store.recordBucketCreated(name: "b", project: nil, settings: BucketSettings(), serial: serial)
        #expect(try await store.recordBucketCreated(name: "b", project: nil, settings: BucketSettings(), serial: serial) == id)
        #expect(try await store.createdBuckets().count == 1)
    }
}
