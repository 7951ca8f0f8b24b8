import DecantCore
import DecantRender
import Foundation
import Testing

/// `plan --format markdown` as one pull-request comment (issue 20, item 1): a
/// marker first, and a cap in UTF-8 bytes that keeps what a reviewer must see.
@Suite struct PlanCommentTests {
    /// 250 migrations of 20 objects each (5,000 copies), each holding its deletions
    /// for a reason; 120 code edits of 40 changed lines, some paths not ASCII; warnings.
    static func large() -> PlannedChanges {
        let now = Date(timeIntervalSince1970: 1_795_651_200)
        var migrations: [MigrationPlan] = []
        for i in 0..<250 {
            var m = MigrationPlan(key: String(format: "use_case_%03d", i), phase: 1 + i % 5, description: "use case \(i) — données",
                                  source: BucketPath(bucket: "data-bucket-dev", prefix: "folder_\(i)/"),
                                  target: BucketPath(bucket: "target-\(i)-dev", prefix: ""), movement: .metadataOnly)
            m.copy = Tally(objects: 20, bytes: 20 * 1_048_576)
            m.deleteHeld = [.init(reason: i.isMultiple(of: 2) ? .validationPeriod(.days(14)) : .retention(.days(90)),
                                  tally: Tally(objects: 20, bytes: 20 * 1_048_576), eligibleFrom: now.addingTimeInterval(14 * 86_400))]
            m.samples = (0..<5).map { ObjectMapping(source: "folder_\(i)/part-\($0).parquet", target: "part-\($0).parquet", size: 1_048_576) }
            migrations.append(m)
        }
        let edits = (0..<120).map { i -> CodeEdit in
            let path = i.isMultiple(of: 7) ? "jobs/café_🚀/job_\(i).py" : "jobs/job_\(i).py"
            let before = (0..<40).map { "path_\($0) = \"gs://data-bucket-dev/folder_\(i)/\($0)\"\n" }.joined()
            let after = (0..<40).map { "path_\($0) = \"gs://target-\(i)-dev/\($0)\"\n" }.joined()
            return CodeEdit(path: path, beforeContent: before, afterContent: after,
                            patch: UnifiedDiff.make(path: path, before: before, after: after), migrations: [String(format: "use_case_%03d", i)])
        }
        var plan = PlannedChanges(environment: "prod", generatedAt: now, inputDigest: String(repeating: "a", count: 64),
                                  stateLineage: nil, stateSerial: 3, migrations: migrations,
                                  code: CodePlan(filesScanned: 4000, edits: edits),
                                  diagnostics: (0..<30).map { Diagnostic(.warning, "warning number \($0): a copy resets timeCreated — ✓ read it") })
        plan.maxDelete = 1000
        return plan
    }

    @Test func theWholePlanWhenItFitsWithTheMarkerFirst() {
        var plan = Self.large()
        plan.migrations = Array(plan.migrations.prefix(2))
        plan.code = nil
        let whole = PlanComment(maxBytes: 0, fullPlanAt: "nowhere").render(plan)
        #expect(whole.hasPrefix("<!-- decant plan: prod -->\n### decant plan for `prod`"))
        #expect(whole == "<!-- decant plan: prod -->\n" + PlanMarkdownRenderer().render(plan))
        #expect(PlanComment(fullPlanAt: "nowhere").render(plan) == whole, "a plan under the default cap is not cut")
    }

    /// The pictures repeat tables the comment keeps: they are the first thing to go.
    @Test func thePicturesGoBeforeAnythingElse() {
        var plan = Self.large()
        plan.migrations = Array(plan.migrations.prefix(12))
        plan.code = nil
        let withPictures = "<!-- decant plan: prod -->\n" + PlanMarkdownRenderer().render(plan)
        let without = "<!-- decant plan: prod -->\n" + PlanMarkdownRenderer(pictures: false).render(plan)
        #expect(withPictures.contains("```mermaid") && !without.contains("```mermaid"))
        let cap = without.utf8.count + (withPictures.utf8.count - without.utf8.count) / 2
        let comment = PlanComment(maxBytes: cap, fullPlanAt: "x").render(plan)
        #expect(comment == without, "only the pictures were dropped")
    }

    @Test(arguments: [PlanComment.defaultMaxBytes, 40_000])
    func aLargePlanFitsAndKeepsEveryHeldDeletionWarningAndEditHeader(maxBytes: Int) throws {
        let plan = Self.large()
        let whole = PlanComment(maxBytes: 0, fullPlanAt: "x").render(plan)
        #expect(whole.utf8.count > 300_000, "the test plan must be far over the cap")
        let comment = PlanComment(maxBytes: maxBytes, fullPlanAt: "`decant show prod.plan`",
                                  savedPlan: ("prod.plan", String(repeating: "f", count: 64))).render(plan)
        #expect(comment.utf8.count <= maxBytes, "\(comment.utf8.count) bytes")
        #expect(comment.hasPrefix("<!-- decant plan: prod -->\n"))
        let summary = whole.split(separator: "\n", omittingEmptySubsequences: false)[3]
        #expect(summary.hasPrefix("**") && comment.split(separator: "\n", omittingEmptySubsequences: false)[3] == summary, "the summary line")
        for warning in plan.diagnostics { #expect(comment.contains(warning.message), "\(warning.message)") }
        for m in plan.migrations {
            #expect(comment.contains("| `\(m.key)` | 20 objects"), "held deletion of \(m.key)")
        }
        for edit in plan.code?.edits ?? [] { #expect(comment.contains("- `\(edit.path)` ("), "edit header \(edit.path)") }
        #expect(comment.contains("> This comment is cut to fit \(maxBytes) bytes"))
        #expect(comment.contains("The full plan: `decant show prod.plan`."))
        #expect(comment.hasSuffix("Saved plan `prod.plan` · SHA-256 `\(String(repeating: "f", count: 64))`\n"))
        #expect(!comment.contains("… more line(s)"), "nothing essential was cut at this size")

        var promoted = plan
        promoted.promotion = PromotionReport(from: "stg", soak: .days(7), checkedAt: plan.generatedAt, fromState: "state/stg.db",
                                             migrations: [.init(migration: "use_case_007", status: .notApplied, hasWork: true)])
        let gated = PlanComment(maxBytes: maxBytes, fullPlanAt: "x").render(promoted)
        #expect(gated.utf8.count <= maxBytes)
        #expect(gated.contains("#### Promotion from stg: 1 migration(s) refused\n\n- `use_case_007`: stg has not applied it\n"))
    }

    @Test func underATinyCapTheEssentialsAreCutAndCounted() {
        let plan = Self.large()
        let comment = PlanComment(maxBytes: PlanComment.minimumMaxBytes, fullPlanAt: "`decant show prod.plan`").render(plan)
        #expect(comment.utf8.count <= PlanComment.minimumMaxBytes, "\(comment.utf8.count) bytes")
        #expect(comment.hasPrefix("<!-- decant plan: prod -->\n### decant plan for `prod`"))
        #expect(comment.contains("more line(s) of this section: see the full plan"))
        #expect(comment.contains("line(s) of the summary sections cut"))
        #expect(comment.contains("The full plan: `decant show prod.plan`."))
    }

    @Test func sectionsSplitAtHeadingsAndDetailsButNotInsideAFence() {
        let comment = PlanComment(maxBytes: 1_100, fullPlanAt: "x")
        var plan = Self.large()
        plan.migrations = []
        plan.diagnostics = []
        plan.code = CodePlan(filesScanned: 1, edits: [CodeEdit(path: "a.py", beforeContent: "", afterContent: "",
                                                               patch: "--- a/a.py\n+++ b/a.py\n@@\n+#### not a heading\n+<details>\n" + String(repeating: "+x\n", count: 400),
                                                               migrations: ["m"])])
        let out = comment.render(plan)
        #expect(out.utf8.count <= 1_100)
        #expect(!out.contains("#### not a heading"), "half a diff was kept as a section of its own")
        #expect(out.contains("- `a.py` (m): +402 −0"))
    }
}
