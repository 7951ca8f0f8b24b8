import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// A rollback cut short between a store call and its record finishes when run
/// again: every step finds what the lost calls did and only records it.
@Suite struct RollbackResumeTests {
    @Test func lostAnswersLeaveWorkThatTheNextRunOnlyRecords() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let before = try await f.contents(EngineFixture.source)
        let plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(0)))
        #expect(try await f.apply(try await f.plan(plan)).status == .succeeded)

        // Run 2: the third restore's answer is lost (the object is back, the ledger does not know).
        let losingCopy = LosingStore(f.store) { kind, n in kind == .copy && n == 3 }
        let first = try await f.rollback(try await f.rollbackPlan(to: 0, store: losingCopy), store: losingCopy)
        #expect(first.status == .failed)
        #expect(losingCopy.lost == 1)
        #expect(first.skipped.contains { $0.kind == .deleteCopy }, "copies wait for every restore of their migration")
        #expect(await f.names("archive-bucket-dev").count == 5)
        #expect(try await f.state.history().last?.ledger.sourcesRestored == 4)

        // Run 3: the restore is only recorded; the second copy deletion's answer is lost.
        let second = try await f.rollbackPlan(to: 0)
        #expect(second.rollback?.restores.first?.recordOnly.objects == 1)
        #expect(second.rollback?.restores.first?.tally.objects == 0)
        let losingDelete = LosingStore(f.store) { kind, n in kind == .delete && n == 2 }
        let run3 = try await f.rollback(second, store: losingDelete)
        #expect(run3.status == .failed)
        #expect(losingDelete.lost == 1)
        #expect(run3.skipped.map(\.kind) == [.deleteBucket])

        // Run 4: the deleted copy is gone already, only recorded; then the bucket goes.
        let third = try await f.rollbackPlan(to: 0)
        #expect(third.rollback?.removals.first?.recordOnly.objects == 1)
        #expect(third.rollback?.removals.first?.tally.objects == 0)
        #expect(third.rollback?.bucketDeletions.map(\.name) == ["archive-bucket-dev"])
        let last = try await f.rollback(third)
        #expect(last.status == .succeeded)

        #expect(try await f.contents(EngineFixture.source) == before)
        #expect(try await f.store.getBucket("archive-bucket-dev") == nil)
        #expect(try await f.state.rollbackScope(to: 0).isEmpty)
        let history = try await f.state.history()
        #expect(history.map(\.run.kind) == [.apply, .rollback, .rollback, .rollback])
        #expect(history.map(\.run.status) == [.succeeded, .failed, .failed, .succeeded])
        #expect(history.reduce(0) { $0 + $1.ledger.sourcesRestored } == 5)
        #expect(history.reduce(0) { $0 + $1.ledger.copiesRemoved } == 5)
        #expect(history.reduce(0) { $0 + $1.ledger.bucketsDeleted } == 1)
        #expect(try await f.state.integrityCheck() == "ok")
    }

    @Test func aBucketDeletedButNotRecordedIsOnlyRecorded() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        _ = try await f.apply(try await f.plan(EngineFixture.historizationPlan()))
        let plan = try await f.rollbackPlan(to: 0)
        // Everything the plan does happens outside decant's record (a crash before any record).
        for action in plan.graph.filter([.deleteCopy]) {
            for item in action.objects { try await f.store.deleteObject(item.source.bucket, item.source.name, ifGenerationMatch: nil) }
        }
        try await f.store.deleteBucket("archive-bucket-dev")

        let again = try await f.rollbackPlan(to: 0)
        #expect(again.rollback?.removals.first?.recordOnly.objects == 5)
        #expect(again.rollback?.bucketDeletions.first?.recordOnly == true)
        #expect(try await f.rollback(again).status == .succeeded)
        #expect(try await f.state.rollbackScope(to: 0).isEmpty)
    }

    @Test func aPlanFromApplyCannotRunAsARollbackNorTheReverse() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let apply = try await f.plan(EngineFixture.historizationPlan())
        await #expect(throws: EngineError.wrongRunKind(.rollback)) {
            _ = try await Applier(store: f.store, state: f.state).apply(apply, kind: .rollback, rollbackTo: 0)
        }
        _ = try await f.apply(apply)
        let rollback = try await f.rollbackPlan(to: 0)
        await #expect(throws: EngineError.wrongRunKind(.apply)) { _ = try await f.apply(rollback) }
        await #expect(throws: EngineError.wrongRunKind(.rollback)) {
            _ = try await Applier(store: f.store, state: f.state).apply(rollback, kind: .rollback, rollbackTo: 1)
        }
        #expect(try await f.state.currentSerial == 1)
    }
}
