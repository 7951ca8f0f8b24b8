import DecantCodeRefs
import DecantCore
import Foundation
import Testing

/// Issue 2/8, construct by construct, on the platform fixture's jobs that pass the
/// bucket around: each reference with its migration, direction and how decant
/// followed the bucket there, and the rewrite it gets or why it gets none.
@Suite struct FlowConstructTests {
    /// One scan and rewrite of the fixture, shared by the checks of a test.
    struct Result {
        let scan: CodeScan
        let rewrite: CodeRewritePlan

        func references(_ path: String) -> [CodeReference] { scan.references.filter { $0.path == path } }

        func reference(_ path: String, _ line: Int, _ migration: String? = nil) throws -> CodeReference {
            try #require(scan.references.first { $0.path == path && $0.line == line && (migration == nil || $0.migration == migration) },
                         "no reference at \(path):\(line) \(migration ?? "")")
        }

        func edit(_ path: String) -> CodeEdit? { rewrite.edits.first { $0.path == path } }

        func unrewritable(_ path: String, _ line: Int) -> String? {
            rewrite.unrewritable.first { $0.path == path && $0.line == line }?.unrewritableReason
        }

        func rows(_ expected: [FlowFixture.Expected]) -> [String] {
            expected.map { e in
                let found = scan.references.first {
                    $0.path == e.path && $0.line == e.line && $0.migration == e.migration && $0.objectPath == e.object
                } ?? scan.references.first { $0.path == e.path && $0.line == e.line && $0.migration == e.migration }
                return found.map(FlowFixture.row) ?? "missing \(e)"
            }
        }
    }

    static func run() async throws -> (FixtureRepo, Result) {
        let repo = try FixtureRepo()
        let plan = FixtureRepo.plan()
        let scan = try await repo.scan(plan)
        return (repo, Result(scan: scan, rewrite: try await CodeRewriter.plan(scan, plan: plan, root: repo.root)))
    }

    // MARK: - 1. Module constants across imports

    @Test func moduleConstantsAcrossImports() async throws {
        let (repo, r) = try await Self.run()
        defer { repo.remove() }
        #expect(r.rows(FlowFixture.constants) == FlowFixture.constants.map(\.description))
        let s = FlowFixture.snapshots
        // A bucket alias with a placeholder of its own, imported: a constant via import.
        let seed = try r.reference(s + "main.py", 12)
        #expect(seed.via == .imported)
        #expect(seed.through == "STORE, \(s)conf/settings.py:7")
        // A bucket+path constant used in another module, and through a constant of a third.
        #expect(try r.reference(s + "main.py", 19).via == .imported)
        #expect(try r.reference(s + "main.py", 20).through?.contains("DAILY_ROOT, \(s)utils.py:3") == true)
        // Modules of the same names in another job name another bucket: nothing there.
        #expect(r.scan.references.filter { $0.path.contains("partner_imports") }.isEmpty)
        #expect(r.scan.unresolved.filter { $0.path.contains("partner_imports") }.isEmpty)
        // A name assigned in branches is ambiguous: what its values share, not rewritten.
        let ambiguous = try r.reference(s + "main.py", 25)
        #expect(ambiguous.objectPath == "offer_exports*/{ds}/offers.csv")
        #expect(r.unrewritable(s + "main.py", 25)?.contains("EXPORT_FOLDER is assigned in 2 places (line 12, line 14)") == true)

        // The bucket+path constant is rewritten at its definition; its uses follow it.
        let settings = try #require(r.edit(s + "conf/settings.py"))
        #expect(settings.afterContent.contains("""
            STORE = f"data-bucket-{STAGE}"
            SNAPSHOTS_BUCKET_NAME = f"snapshots-bucket-{STAGE}"
            SNAPSHOT_ROOT = f"gs://{SNAPSHOTS_BUCKET_NAME}/offer_snapshots"
            """))
        #expect(r.edit(s + "main.py") == nil && r.edit(s + "utils.py") == nil)
        for line in [19, 20] { #expect(r.unrewritable(s + "main.py", line) == nil) }
        #expect(r.unrewritable(s + "utils.py", 7) == nil)
        // A path that comes from a constant of another module, moved elsewhere: left to people.
        #expect(r.unrewritable(s + "main.py", 12)?.hasPrefix("the path is built at run time (bigquery_imports/seed/venue_types/venue_types.csv)") == true)
    }

    @Test func importsResolveFromTheImportingFolderFirstThenPackageRoots() async throws {
        let repo = try SnippetRepo([
            "jobs/a/conf/settings.py": "BUCKET = \"data-bucket-dev\"\nROOT = f\"gs://{BUCKET}/historization\"\n",
            "jobs/b/conf/settings.py": "ROOT = \"gs://someone-else/historization\"\n",
            "jobs/b/main.py": "from conf.settings import ROOT\n\ndf.to_csv(f\"{ROOT}/x.csv\")\n",
            "jobs/a/main.py": "from conf.settings import ROOT\n\ndf.to_csv(f\"{ROOT}/x.csv\")\n",
            "dags/common/config.py": "from jobs.a.conf.settings import ROOT as A_ROOT\n",
            "dags/jobs/dag.py": "from common.config import A_ROOT\nfrom . import helpers\n\nread(helpers.PATH, A_ROOT + \"/tracking/t.csv\")\n",
            "dags/jobs/helpers.py": "from ..common.config import A_ROOT\nPATH = A_ROOT + \"/y\"\n",
        ])
        defer { repo.remove() }
        let scan = try await repo.scan()
        let where_ = scan.references.filter { $0.via != .constant }.map { "\($0.location) \($0.objectPath)" }
        #expect(where_ == [
            "dags/jobs/dag.py:4 historization/y",
            "dags/jobs/dag.py:4 historization/tracking/t.csv",
            "jobs/a/main.py:3 historization/x.csv",
        ])
    }

    // MARK: - 2. Local flow inside a function

    @Test func localFlowInsideAFunction() async throws {
        let (repo, r) = try await Self.run()
        defer { repo.remove() }
        #expect(r.rows(FlowFixture.localFlow) == FlowFixture.localFlow.map(\.description))
        let q = FlowFixture.qualtrics
        #expect(try r.reference(q, 15).via == .local)
        #expect(try r.reference(q, 15).through == "base, \(q):13 → path, \(q):14")
        #expect(try r.reference(q, 22).via == .local)   // os.path.join, then list_blobs(prefix=name), then blob.delete()
        #expect(try r.reference(q, 28).objectPath == "qualtrics_opt_out/latest/opt_out.csv")
        // The definition is rewritten; its use through `path` follows it.
        let edit = try #require(r.edit(q))
        #expect(edit.afterContent.contains(#"base = f"gs://{QUALTRICS_BUCKET_NAME}/exports""#))
        #expect(r.unrewritable(q, 15) == nil)
        // A path built by a join, moved to another prefix: left to people.
        #expect(r.unrewritable(q, 22) == "the path is built at run time (qualtrics_exports/{survey_id}/tmp) and migration "
            + "qualtrics_exports does not keep it as it is (qualtrics_exports/ → exports/); rewrite it by hand")
        #expect(r.unrewritable(q, 35)?.contains("qualtrics_surveys/{survey_id}/{filename}") == true)
    }

    // MARK: - 3. Arguments that belong together; 8. prefix semantics

    @Test func argumentsThatBelongTogetherAndAirflowParams() async throws {
        let (repo, r) = try await Self.run()
        defer { repo.remove() }
        #expect(r.rows(FlowFixture.pairs) == FlowFixture.pairs.map(\.description))
        let f = FlowFixture.feeds
        // `Folder(BUCKET, folder_name)` with the folder a module constant; `folder=` keyword.
        #expect(try r.reference(f, 17).objectPath == "outbox/feeds_archive")
        #expect(try r.reference(f, 22).objectPath == "outbox/manifests/{ds}")
        // `{{ params.bucket_folder }}` is the Param's default, paired with `{{ params.bucket_name }}`.
        let template = try r.reference(f, 37, "partner_feeds")
        #expect(template.via == .parameter)
        #expect(template.through == "params.bucket_name, \(f):37")
        // `outbox/feeds` (no slash) reaches outbox/feeds_archive/ too; a delete under it is flagged.
        let clean = try r.reference(f, 50, "partner_feeds")
        #expect(clean.note == "writes under the prefix outbox/feeds, which reaches the sources of feeds_archive (outbox/feeds_archive/), "
            + "partner_feeds (outbox/feeds/)")
        // Nothing here is rewritten: the Param names a parent of two migrations.
        #expect(r.edit(f) == nil)
        #expect(r.unrewritable(f, 31)?.contains("which holds or may reach the source of migrations feeds_archive, partner_feeds") == true)
        #expect(r.unrewritable(f, 37)?.hasPrefix("its definition at \(f):31 is not rewritten") == true)
    }

    @Test func prefixesMatchCharacterByCharacter() async throws {
        let plan = SnippetRepo.plan { m in
            if m.key == "dms_export" { m.source.prefix = "outbox/feeds/" }
            if m.key == "qpi_exports" { m.source.prefix = "outbox/feeds_archive/" }
        }
        let repo = try SnippetRepo([
            "a.py": """
                hook.delete_objects(DATA_GCS_BUCKET_NAME, prefix="outbox/feeds")
                hook.list(DATA_GCS_BUCKET_NAME, prefix="outbox/feeds/")
                hook.delete_objects(DATA_GCS_BUCKET_NAME, prefix="historization")

                """,
        ])
        defer { repo.remove() }
        let scan = try await repo.scan(plan)
        #expect(scan.references.map { "\($0.line) \($0.migration ?? "-") \($0.direction)" } == [
            "1 dms_export write", "1 qpi_exports write", "2 dms_export read", "3 historization write",
        ])
        #expect(scan.references[0].note?.contains("reaches the sources of dms_export (outbox/feeds/), qpi_exports (outbox/feeds_archive/)") == true)
        #expect(scan.references[2].note == nil)
        #expect(scan.references[3].note == "writes under the prefix historization, which reaches beyond historization/: "
            + "every object whose name starts with historization")
    }

    // MARK: - 4. A launcher passing the bucket to a script

    @Test func aLauncherPassesTheBucketToAJobScript() async throws {
        let (repo, r) = try await Self.run()
        defer { repo.remove() }
        #expect(r.rows(FlowFixture.launchers) == FlowFixture.launchers.map(\.description))
        let rows = try r.reference(FlowFixture.rowsScript, 9)
        #expect(rows.via == .launcher && rows.launcher == "orchestration/dags/jobs/export/export_rows.py")
        #expect(rows.through?.hasPrefix("launched by orchestration/dags/jobs/export/export_rows.py:16 with --bucket-name") == true)
        #expect(try r.reference(FlowFixture.sirenScript, 11).launcher == "orchestration/dags/jobs/import/import_siren.py")
        #expect(try r.reference(FlowFixture.preprocess, 15).launcher == "orchestration/dags/jobs/ml/clusterisation.py")
        // The launchers' own lines are not references decant could not place.
        #expect(!r.scan.unresolved.contains { $0.path.hasPrefix("orchestration/dags/jobs/") && $0.path.contains("export_rows") })
        #expect(!r.scan.unresolved.contains { ["import_siren.py", "clusterisation.py"].contains(($0.path as NSString).lastPathComponent) })

        // rows/ and clusterisation/ keep their paths: the launcher's bucket is rewritten, the scripts stay.
        let dag = try #require(r.edit("orchestration/dags/jobs/export/export_rows.py"))
        #expect(dag.afterContent.contains("from common.config import ROWS_BUCKET_NAME\n"))
        #expect(dag.afterContent.contains("--bucket-name {ROWS_BUCKET_NAME} --table"))
        #expect(r.edit("orchestration/dags/jobs/ml/clusterisation.py")?.afterContent.contains(#"arguments=["--gcs-bucket", ML_FEATURES_BUCKET_NAME]"#) == true)
        #expect(r.edit(FlowFixture.rowsScript) == nil && r.edit(FlowFixture.preprocess) == nil)
        #expect(r.unrewritable(FlowFixture.rowsScript, 9) == nil)
        // siren/ moves to the root of its bucket: changing the bucket is not enough.
        #expect(r.edit("orchestration/dags/jobs/import/import_siren.py") == nil)
        #expect(r.unrewritable(FlowFixture.sirenScript, 11) == "the bucket comes from the launcher orchestration/dags/jobs/import/import_siren.py:12, "
            + "which is not rewritten: migration siren does not keep siren/raw/{day}/siren.parquet as it is (siren/ → ), "
            + "so changing the bucket the launcher passes is not enough")
    }

    @Test func aLauncherIsRewrittenOnlyWhenEveryCallerPassesTheSourceBucket() async throws {
        let script = "import typer\n\ndef main(bucket_name: str = typer.Option(...)):\n    df.to_csv(f\"gs://{bucket_name}/historization/x/a.csv\")\n"
        let dag = "from common.config import DATA_GCS_BUCKET_NAME\nBashOperator(task_id=\"t\", bash_command=f\"python jobs/export/main.py --bucket-name {DATA_GCS_BUCKET_NAME}\")\n"
        let other = "BashOperator(task_id=\"t\", bash_command=\"python jobs/export/main.py --bucket-name scratch-bucket\")\n"
        let config = "DATA_GCS_BUCKET_NAME = \"data-bucket-dev\"\n"
        let plan = SnippetRepo.plan { m in if m.key == "historization" { m.target.prefix = "historization/"; m.subfolders = [] } }
        for (files, rewritten) in [([String: String](), true), (["dags/other.py": other], false)] {
            let repo = try SnippetRepo(["jobs/export/main.py": script, "dags/dag.py": dag, "dags/common/config.py": config].merging(files) { a, _ in a })
            defer { repo.remove() }
            let rewrite = try await repo.rewrite(plan)
            let reference = try #require(try await repo.scan(plan).references.first { $0.path == "jobs/export/main.py" })
            #expect(reference.via == .launcher && reference.migration == "historization")
            #expect((rewrite.edits.first { $0.path == "dags/dag.py" } != nil) == rewritten)
            if !rewritten {
                #expect(rewrite.unrewritable.first?.unrewritableReason?.contains("dags/other.py also runs the script") == true)
            }
        }
    }

    // MARK: - 5. Other environments

    @Test func otherEnvironmentsLiteralsAndNearMisses() async throws {
        let (repo, r) = try await Self.run()
        defer { repo.remove() }
        let others = r.scan.otherEnvironments.filter { $0.path == FlowFixture.compare }
        #expect(others.map(FlowFixture.row) == FlowFixture.otherEnvironments.map(\.description))
        #expect(others.map(\.unrewritableReason) == [
            "names data-bucket-qa, the qa environment's source bucket (migration link_artists there)",
            "names data-bucket-uat, the uat environment's source bucket (migration link_artists there)",
        ])
        // tools-data-bucket-qa and data-bucket-mltemp-qa are other buckets.
        let all = r.scan.references + r.scan.unresolved + r.scan.otherEnvironments
        #expect(!all.contains { $0.path == FlowFixture.compare && ($0.line == 6 || $0.line == 7) })
        // Another environment's bucket holds nothing here.
        #expect(!r.scan.referencedMigrations().contains("link_artists"))
    }

    // MARK: - 7. Direction

    @Test func directionFollowsTheNameThroughTheFileAndItsSubscripts() async throws {
        let (repo, r) = try await Self.run()
        defer { repo.remove() }
        #expect(r.rows(FlowFixture.directions) == FlowFixture.directions.map(\.description))
        // A definition goes where its uses in other files go.
        #expect(try r.reference(FlowFixture.snapshots + "conf/settings.py", 8).direction == .write)
        // The dict entries are rewritten in place; their uses through CFG["KEY"] follow them.
        let edit = try #require(r.edit(FlowFixture.embeddings))
        #expect(edit.afterContent.contains(#""ITEMS_URI": f"gs://{ML_FEATURES_BUCKET_NAME}/embeddings/items","#))
        for line in [33, 41, 47] { #expect(r.unrewritable(FlowFixture.embeddings, line) == nil) }
    }

    // MARK: - Rules that stay

    @Test func twoPlansGiveTheSamePatchesAndTheSecondPassNothing() async throws {
        let (repo, first) = try await Self.run()
        defer { repo.remove() }
        let plan = FixtureRepo.plan()
        let again = try await CodeRewriter.plan(try await repo.scan(plan), plan: plan, root: repo.root)
        #expect(again.edits.map(\.patch) == first.rewrite.edits.map(\.patch))
        for edit in first.rewrite.edits { try CodeFiles.apply(edit, root: repo.root) }
        try await PythonCompiler.check(first.rewrite.edits.map(\.path).filter { $0.hasSuffix(".py") }, root: repo.root)
        let second = try await CodeRewriter.plan(try await repo.scan(plan), plan: plan, root: repo.root)
        #expect(second.edits.isEmpty, "\(second.edits.map(\.patch))")
    }
}
