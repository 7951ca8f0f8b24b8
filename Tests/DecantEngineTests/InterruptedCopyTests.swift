import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// DESIGN.md §4 invariant 5 (issue 14, defect 1): what decant wrote stays decant's.
/// A copy whose answer never reached the ledger (a lost answer here; a SIGKILL, a
/// full disk or SIGPIPE in DecantReliabilityTests) was made under a journaled
/// intent, so the apply that converges records it as decant's copy, not as an
/// object that was there before, and `rollback --to 0` removes it with its bucket.
@Suite struct InterruptedCopyTests {
    @Test func copiesWhoseAnswerWasLostStayDecantsAndRollbackRemovesThem() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        let sources = try await f.contents(EngineFixture.source)
        let plan = EngineFixture.historizationPlan()

        let losing = LosingStore(f.store) { kind, n in kind == .copy && n.isMultiple(of: 2) }
        let first = try await Applier(store: losing, state: f.state, clock: f.clock)
            .apply(try await f.plan(plan), options: ApplyOptions(parallelism: 8))
        #expect(first.status == .failed)
        #expect(losing.lost == 2)
        #expect(await f.names("archive-bucket-dev").count == 5, "the lost copies were made")

        let converging = try await f.plan(plan)
        // The three recorded copies wait for their verification; the two lost ones are in the target unrecorded.
        #expect(converging.migrations.first?.adopt.objects == 5)
        #expect(converging.migrations.first?.warnings.contains {
            $0.hasPrefix("2 of the objects to adopt were copied by an interrupted run of decant (serial 1)")
        } == true, "\(converging.migrations.first?.warnings ?? [])")
        #expect(try await f.apply(converging).status == .succeeded)
        #expect(try await f.state.stats().adoptedCopies == 0, "decant's own copies were recorded as adopted")
        #expect(try await f.state.history().last?.ledger.objectsCopied == 2)

        let rollback = try await f.rollback(try await f.rollbackPlan(to: 0))
        #expect(rollback.status == .succeeded)
        #expect(try await f.store.getBucket("archive-bucket-dev") == nil, "the bucket decant created is left behind")
        #expect(try await f.contents(EngineFixture.source) == sources)
    }

    /// An object someone else put in the target before decant copied anything is
    /// adopted, and a rollback leaves it (and so its bucket) where it is.
    @Test func anObjectThatWasThereBeforeIsStillAdoptedAndKept() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await f.fillHistorization()
        _ = try await f.store.createBucket("archive-bucket-dev", project: nil, settings: BucketSettings())
        let name = "historization/api_reco/ctx/2024-01-01.parquet"
        try await f.put("archives/api_reco/ctx/2024-01-01.parquet", "data of \(name)", bucket: "archive-bucket-dev")
        let changes = try await f.plan(EngineFixture.historizationPlan())
        #expect(changes.migrations.first?.adopt.objects == 1)
        #expect(changes.migrations.first?.warnings.contains { $0.contains("interrupted run") } == false)
        #expect(try await f.apply(changes).status == .succeeded)
        #expect(try await f.state.stats().adoptedCopies == 1)
        _ = try await f.rollback(try await f.rollbackPlan(to: 0))
        #expect(await f.names("archive-bucket-dev") == ["archives/api_reco/ctx/2024-01-01.parquet"])
    }
}
