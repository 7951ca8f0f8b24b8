import DecantStorage
import Foundation
import Testing
import TestSupport

/// DESIGN.md §4 invariant 6, second half: a plan saved with `decant plan --out`
/// is applied exactly, or refused with a clear message, changing nothing, when
/// the plan files changed or the state moved on since it was made.
@Suite struct SavedPlanTests {
    static let planArguments = ["plan", "--env", "dev", "--max-delete", "100000"]

    /// What a refused apply must leave as it was: every object (name and
    /// generation) of the store and the state's serial and run count.
    static func snapshot(_ fixture: MigrationFixture, _ workspace: DecantWorkspace) async throws -> [String] {
        let store = LocalStore(root: workspace.storePath)
        var lines: [String] = []
        for bucket in [fixture.sourceBucket, fixture.keepBucket, fixture.movedBucket] {
            let objects = try await MigrationFixture.list(store, bucket)
            lines.append("\(bucket): \(objects.count) objects, exists \(try await store.getBucket(bucket) != nil)")
            lines += objects.values.map { "\(bucket)/\($0.name)#\($0.generation)" }.sorted()
        }
        if let state = try StateSnapshot(copying: workspace.statePath) {
            lines.append("runs \(try state.int("SELECT COUNT(*) FROM runs")), serial \(try state.int("SELECT COALESCE(MAX(serial), 0) FROM runs"))")
            lines.append("copies \(try state.int("SELECT COUNT(*) FROM copies")), deletions \(try state.int("SELECT COUNT(*) FROM deletions"))")
        } else {
            lines.append("no state")
        }
        return lines
    }

    static func workspace(_ label: String) async throws -> (MigrationFixture, DecantWorkspace) {
        let fixture = MigrationFixture(storage: "{ provider: local, root: store }", count: 200)
        let workspace = try DecantWorkspace(label: label, plan: fixture.planYAML())
        try await fixture.fill(LocalStore(root: workspace.storePath))
        return (fixture, workspace)
    }

    @Test func aSavedPlanIsRefusedOnceThePlanFilesChanged() async throws {
        let (fixture, workspace) = try await Self.workspace("decant-saved-edit")
        defer { workspace.remove() }
        let saved = try await workspace.decant(Self.planArguments + ["--out", "reviewed.plan"])
        #expect(saved.status == 0, "\(saved)")
        // A reviewer's plan, then someone edits the plan files (a label on a target bucket).
        try workspace.writePlan(fixture.planYAML().replacingOccurrences(
            of: "keep:  { name: \"\(fixture.keepBucket)\" }", with: "keep:  { name: \"\(fixture.keepBucket)\", labels: { team: data } }"))
        let before = try await Self.snapshot(fixture, workspace)
        let refused = try await workspace.decant(["apply", "--env", "dev", "reviewed.plan"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("the saved plan is stale: the plan files changed since it was made; run decant plan again"), "\(refused)")
        #expect(try await Self.snapshot(fixture, workspace) == before, "a refused saved plan changed the store or the state")
        #expect(workspace.lockID() == nil, "the refusal left the lock behind")
    }

    @Test func aSavedPlanIsRefusedOnceTheStateMovedOn() async throws {
        let (fixture, workspace) = try await Self.workspace("decant-saved-serial")
        defer { workspace.remove() }
        // Two reviewed plans against serial 0; the first is applied exactly.
        #expect(try await workspace.decant(Self.planArguments + ["--out", "first.plan"]).status == 0)
        #expect(try await workspace.decant(Self.planArguments + ["--out", "second.plan"]).status == 0)
        let applied = try await workspace.decant(["apply", "--env", "dev", "first.plan"])
        #expect(applied.status == 0, "a fresh saved plan applies: \(applied)")
        try await ConvergenceChecks.checkConverged(fixture, store: LocalStore(root: workspace.storePath), workspace: workspace,
                                                   label: "the saved plan applied")
        // The second was made against serial 0; the state is at serial 1.
        let before = try await Self.snapshot(fixture, workspace)
        let refused = try await workspace.decant(["apply", "--env", "dev", "second.plan"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("the saved plan is stale: it was made against state serial 0, the state is now at serial 1"), "\(refused)")
        #expect(try await Self.snapshot(fixture, workspace) == before, "a refused saved plan changed the store or the state")
    }

    /// A plan reviewed with a raised `--max-delete` applies under that limit, not
    /// under the default 1,000 (issue 14, defect 3: `--max-delete` is never dropped).
    @Test func theMaxDeleteASavedPlanWasReviewedUnderIsKept() async throws {
        let fixture = MigrationFixture(storage: "{ provider: local, root: store }", count: 2_100)
        let workspace = try DecantWorkspace(label: "decant-saved-max-delete", plan: fixture.planYAML())
        defer { workspace.remove() }
        try await fixture.fill(LocalStore(root: workspace.storePath))
        let saved = try await workspace.decant(["plan", "--env", "dev", "--max-delete", "5000", "--out", "big.plan"])
        #expect(saved.status == 0, "\(saved)")
        let applied = try await workspace.decant(["apply", "--env", "dev", "big.plan"])
        #expect(applied.status == 0, "the reviewed --max-delete 5000 was dropped: \(applied)")
        try await ConvergenceChecks.checkConverged(fixture, store: LocalStore(root: workspace.storePath), workspace: workspace,
                                                   label: "a saved plan with 1,050 deletions")
    }
}
