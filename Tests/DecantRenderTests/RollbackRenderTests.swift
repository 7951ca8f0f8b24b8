import DecantCore
import DecantRender
import Foundation
import Testing

/// Golden-file tests of the rollback plan renderers (text, markdown, JSON): every
/// section a rollback plan can show, a code revert longer than the text renderer prints.
@Suite struct RollbackRenderTests {
    static func sample() throws -> PlannedChanges {
        let now = Date(timeIntervalSince1970: 1_795_651_200) // 2026-11-26T00:00:00Z
        let before = (1...70).map { "LINE_\($0) = \"gs://archive-bucket-dev/archives/\($0)\"\n" }.joined()
        let after = (1...70).map { "LINE_\($0) = \"gs://data-bucket-dev/historization/\($0)\"\n" }.joined()
        let revert = UnifiedDiff.make(path: "orchestration/dags/common/config.py", before: before, after: after)
        let report = RollbackReport(
            target: 0,
            runs: [.init(serial: 2, kind: "apply", status: "succeeded", started: now.addingTimeInterval(-3600)),
                   .init(serial: 1, kind: "apply", status: "failed", started: now.addingTimeInterval(-7200))],
            restores: [.init(migration: "historization", bucket: "data-bucket-dev", tally: Tally(objects: 300, bytes: 838_860_800),
                             recordOnly: Tally(objects: 2, bytes: 2048),
                             samples: [ObjectMapping(source: "gs://archive-bucket-dev/archives/t/2024-01-01.parquet",
                                                     target: "gs://data-bucket-dev/historization/t/2024-01-01.parquet", size: 100)])],
            removals: [.init(migration: "historization", bucket: "archive-bucket-dev", tally: Tally(objects: 1204, bytes: 3_435_973_837),
                             samples: [ObjectMapping(source: "gs://data-bucket-dev/historization/t/2024-01-01.parquet",
                                                     target: "gs://archive-bucket-dev/archives/t/2024-01-01.parquet", size: 100)])],
            forgotten: [.init(migration: "historization", bucket: "archive-bucket-dev", tally: Tally(objects: 5, bytes: 1_048_576),
                              samples: [ObjectMapping(source: "gs://archive-bucket-dev/archives/t/old.parquet",
                                                      target: "gs://archive-bucket-dev/archives/t/old.parquet", size: 1_048_576)])],
            reverts: [.init(path: "orchestration/dags/common/config.py", editSerial: 2, recordOnly: false, patch: revert),
                      .init(path: "jobs/x.py", editSerial: 1, recordOnly: true, patch: "")],
            bucketRestores: [.init(name: "seed-data-bucket-dev", serials: [1, 2],
                                   changes: [SettingChange(field: .labels, before: "{use_case: seed-data}", after: "{}"),
                                             SettingChange(field: .storageClass, before: "NEARLINE", after: "STANDARD")],
                                   recordOnly: false)],
            bucketDeletions: [.init(name: "archive-bucket-dev", createdSerial: 1, recordOnly: false),
                              .init(name: "tmp-bucket-dev", createdSerial: 1, recordOnly: true)],
            refusals: [.init(kind: .deleteCopy, reason: .targetChanged, tally: Tally(objects: 7, bytes: 7168),
                             samples: ["gs://archive-bucket-dev/archives/t/changed.parquet (generation 9, decant wrote 3)"])])
        var plan = PlannedChanges(environment: "dev", generatedAt: now, decantVersion: "0.0.0-test", inputDigest: "rollback-3f2a9c1e00aa",
                                  stateLineage: "9c1e0000-aaaa", stateSerial: 2,
                                  graph: try ActionGraph([Action(id: ActionID("delete_bucket", "archive-bucket-dev"), kind: .deleteBucket,
                                                                 bucket: "archive-bucket-dev", reason: .deleteCreatedBucket(serial: 1),
                                                                 payload: .deleteBucket(name: "archive-bucket-dev"))]))
        plan.rollback = report
        plan.diagnostics = [Diagnostic.warning("the code tree is not a git work tree: reverts cannot be reviewed with git diff")]
        return plan
    }

    @Test func text() throws {
        let text = PlanTextRenderer().render(try Self.sample())
        try Golden.check(text, "rollback.txt")
        #expect(!text.contains("\u{1B}["))
        #expect(PlanTextRenderer(color: true).render(try Self.sample()).contains("\u{1B}[32m+"))
    }

    @Test func markdown() throws {
        try Golden.check(PlanMarkdownRenderer().render(try Self.sample()), "rollback.md")
    }

    @Test func json() throws {
        try Golden.check(PlanJSONRenderer().render(try Self.sample()), "rollback.json")
    }

    /// The plan and the rollback plan cut long diffs alike, and each says where its whole patch is.
    @Test func aLongDiffSaysWhereTheWholePatchIs() throws {
        let rollback = PlanTextRenderer(maxDiffLines: 10).render(try Self.sample())
        #expect(rollback.contains("      … 133 more diff lines (--plan-only --format markdown shows the whole patch)\n"), "\(rollback)")
        var plan = try PlanRenderTests.sample()
        let long = (1...30).map { "x\($0)\n" }.joined()
        plan.code?.edits[0].patch = UnifiedDiff.make(path: "a.py", before: long, after: long.replacingOccurrences(of: "x", with: "y"))
        let text = PlanTextRenderer(maxDiffLines: 10).render(plan)
        #expect(text.contains("      … 53 more diff lines (--code-out writes the whole patch)\n"), "\(text)")
        #expect(PlanTextRenderer(maxDiffLines: 0).render(plan).components(separatedBy: "more diff lines").count == 1)
    }
}
