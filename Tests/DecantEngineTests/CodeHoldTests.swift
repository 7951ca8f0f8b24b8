import DecantCore
import DecantEngine
import DecantRender
import Foundation
import Testing
import TestSupport

/// Invariant 3 (DESIGN.md §4) from code to plan: a reference through a symbolic link
/// holds a deletion (issue 14.5), a reference decant cannot place holds every deletion
/// out of its bucket until acknowledged (14.6), and the plan shows each hold.
@Suite struct CodeHoldTests {
    /// Two migrations out of data-bucket-dev that delete their sources once copied.
    static func plan(acknowledged: [CodeAcknowledgement] = []) -> Plan {
        var plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(0)))
        plan.migrations.append(Migration(key: "dms_export", source: BucketPath(bucket: EngineFixture.source, prefix: "dms_export/"),
                                         target: BucketPath(bucket: "archive-bucket-dev", prefix: "dms/"), targetBucketKey: "archive",
                                         cleanup: CleanupPolicy(deleteSource: true, after: .days(0))))
        plan.code = CodeConfig(root: "code", sourceRefs: ["data-bucket-dev", "DATA_GCS_BUCKET_NAME"], acknowledged: acknowledged)
        return plan
    }

    static func fill(_ f: EngineFixture) async throws {
        try await f.fillHistorization()
        try await f.put("dms_export/dms_jeunes_20261120.parquet", "j")
    }

    static let hooks = """
        import sys

        from google.cloud import storage
        from reporting import Config

        DATA_GCS_BUCKET_NAME = "data-bucket-dev"


        def clean(prefix_from_the_command_line=sys.argv[1]):
            for blob in storage.Client().bucket(DATA_GCS_BUCKET_NAME).list_blobs(prefix=prefix_from_the_command_line):
                blob.delete()


        RUN_LOGS = Config(bucket_name=DATA_GCS_BUCKET_NAME)

        """

    @Test func aReferenceThroughALinkOutOfTheRootHoldsTheDeletionAndThePlanSaysSo() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await Self.fill(f)
        try f.directory.write("shared/archive_reader.py", "import pandas as pd\n\nframe = pd.read_parquet(\"gs://data-bucket-dev/historization/tracking/\")\n")
        try f.directory.write("code/dags/dag.py", "print('no bucket here')\n")
        try FileManager.default.createSymbolicLink(atPath: f.directory.path + "/code/dags/archive_reader.py",
                                                   withDestinationPath: f.directory.path + "/shared/archive_reader.py")
        try FileManager.default.createSymbolicLink(atPath: f.directory.path + "/code/dags/gone.py", withDestinationPath: "nowhere.py")
        let plan = Self.plan()
        let code = try #require(try await CodeSurvey.findings(plan, root: f.directory.path + "/code"))
        let changes = try await f.plan(plan, code: code)
        let historization = try #require(changes.migrations.first { $0.key == "historization" })
        #expect(historization.delete.isZero)
        #expect(historization.deleteHeld.map(\.reason.sentence) == ["code still references gs://data-bucket-dev/historization/ (1 reference)"])
        #expect(historization.references.map(\.location) == ["dags/archive_reader.py:3"])
        #expect(changes.migrations.first { $0.key == "dms_export" }?.delete.objects == 1)
        #expect(changes.code?.filesScanned == 2)
        #expect(changes.code?.outsideRoot == [LinkedFile(path: "dags/archive_reader.py", target: f.directory.path + "/shared/archive_reader.py")])
        #expect(changes.code?.skipped == [SkippedFile(path: "dags/gone.py", reason: .brokenLink(target: "nowhere.py"))])

        let text = PlanTextRenderer().render(changes)
        #expect(text.contains("Code (2 files scanned; 1 skipped: 1 broken link)"))
        #expect(text.contains("dags/archive_reader.py is a link to \(f.directory.path)/shared/archive_reader.py, outside code.root: scanned, never rewritten"))
        #expect(text.contains("skipped dags/gone.py: a broken link (to nowhere.py)"))
    }

    @Test func anUnplacedReferenceHoldsEveryDeletionOutOfItsBucket() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await Self.fill(f)
        try f.directory.write("code/jobs/report/hooks.py", Self.hooks)
        let plan = Self.plan()
        let code = try #require(try await CodeSurvey.findings(plan, root: f.directory.path + "/code"))
        #expect(code.unplaced.map(\.location) == ["jobs/report/hooks.py:10", "jobs/report/hooks.py:14"])
        #expect(code.unplaced.allSatisfy { $0.bucket == "data-bucket-dev" })
        let changes = try await f.plan(plan, code: code)
        for migration in changes.migrations {
            #expect(migration.delete.isZero, "\(migration.key) deletes its sources")
            #expect(migration.referencesHold)
            #expect(migration.deleteHeld.map(\.reason.sentence) == [
                "code names data-bucket-dev where decant cannot place the path (2 references, listed under Code): "
                    + "resolve or acknowledge them in code.acknowledged",
            ])
        }
        #expect(changes.code?.unplaced.map(\.location) == ["jobs/report/hooks.py:10", "jobs/report/hooks.py:14"])

        let text = PlanTextRenderer().render(changes)
        #expect(text.contains("references decant cannot place (each holds every deletion out of its bucket"))
        #expect(text.contains("      jobs/report/hooks.py:10  data-bucket-dev  "))
        #expect(text.contains("      jobs/report/hooks.py:14  data-bucket-dev  RUN_LOGS = Config(bucket_name=DATA_GCS_BUCKET_NAME)"))
        let markdown = PlanMarkdownRenderer().render(changes)
        #expect(markdown.contains("**References decant cannot place**"))
        #expect(markdown.contains("- `jobs/report/hooks.py:14`"))
        let json = PlanJSONRenderer().render(changes)
        #expect(json.contains("\"references_hold\" : true"))
        #expect(json.contains("\"unplaced\" : ["))

        // --allow-references still overrides, loudly.
        let overridden = try await f.plan(plan, PlanOptions(allowReferences: true), code: code)
        #expect(overridden.migrations.allSatisfy { !$0.delete.isZero })
        #expect(overridden.diagnostics.warnings.filter { $0.message.hasPrefix("--allow-references") }.count == 2)
    }

    @Test func anAcknowledgementReleasesItsReferencesAndOneThatMatchesNothingIsAWarning() async throws {
        let f = try await EngineFixture()
        defer { f.directory.remove() }
        try await Self.fill(f)
        try f.directory.write("code/jobs/report/hooks.py", Self.hooks)
        let logs = CodeAcknowledgement(path: "jobs/report/hooks.py", contains: "bucket_name=", reason: "writes run logs only",
                                       origin: SourceLocation(file: "plans/code.yaml", line: 7, column: 7))
        let stale = CodeAcknowledgement(path: "jobs/report/old_hooks.py", reason: "removed last year",
                                        origin: SourceLocation(file: "plans/code.yaml", line: 9, column: 7))
        // One acknowledged, one still holding.
        let partly = Self.plan(acknowledged: [logs, stale])
        let code = try #require(try await CodeSurvey.findings(partly, root: f.directory.path + "/code"))
        var changes = try await f.plan(partly, code: code)
        #expect(changes.migrations.allSatisfy { $0.delete.isZero })
        #expect(changes.code?.unplaced.map(\.location) == ["jobs/report/hooks.py:10"])
        #expect(changes.code?.acknowledged.map { "\($0.reference.location) \($0.acknowledgement.reason)" }
                == ["jobs/report/hooks.py:14 writes run logs only"])
        let warning = try #require(changes.diagnostics.warnings.first { $0.message.hasPrefix("code.acknowledged") })
        #expect(warning.message == "code.acknowledged: no reference decant cannot place in jobs/report/old_hooks.py")
        #expect(warning.location == SourceLocation(file: "plans/code.yaml", line: 9, column: 7))
        let text = PlanTextRenderer().render(changes)
        #expect(text.contains("acknowledged jobs/report/hooks.py:14  RUN_LOGS = Config(bucket_name=DATA_GCS_BUCKET_NAME)  (writes run logs only)"))

        // Both acknowledged: the deletions go ahead.
        let all = Self.plan(acknowledged: [logs, CodeAcknowledgement(path: "jobs/report/hooks.py", contains: "list_blobs",
                                                                      reason: "cleans up its own scratch prefix")])
        let allCode = try #require(try await CodeSurvey.findings(all, root: f.directory.path + "/code"))
        changes = try await f.plan(all, code: allCode)
        #expect(changes.migrations.map(\.delete.objects) == [5, 1])
        #expect(changes.code?.unplaced.isEmpty == true)
        #expect(!changes.migrations.contains { $0.referencesHold })
    }
}
