import DecantCodeRefs
import DecantCore
import Testing

/// Rewrite rules and their limits, one small repository each.
@Suite struct RewriteRuleTests {
    static func reasons(_ plan: CodeRewritePlan) -> [String] { plan.unrewritable.map { $0.unrewritableReason ?? "" } }

    @Test func literalsTemplatesAndProseAreRewrittenInPlace() async throws {
        let repo = try SnippetRepo([
            "docs/README.md": "Data lands in `gs://data-bucket-dev/historization/tracking/` (see data-bucket-dev/dms_export/a.json).\n",
            "run.sh": "gsutil cp out.json \"gs://data-bucket-${ENV}/historization/int/out.json\"\n",
        ])
        defer { repo.remove() }
        let plan = try await repo.rewrite()
        #expect(plan.unrewritable.isEmpty)
        #expect(plan.edits.map(\.afterContent) == [
            "Data lands in `gs://archive-bucket-dev/archives/firebase_tracking/` (see dms-staging-bucket-dev/a.json).\n",
            "gsutil cp out.json \"gs://archive-bucket-${ENV}/archives/int/out.json\"\n",
        ])
        #expect(plan.edits[0].migrations == ["dms_export", "historization"])
    }

    @Test func aTargetWithoutTheEnvironmentCannotBeTemplated() async throws {
        let repo = try SnippetRepo(["run.sh": "gsutil ls \"gs://data-bucket-${ENV}/historization/x/\"\n"])
        defer { repo.remove() }
        let plan = try await repo.rewrite(SnippetRepo.plan(archiveName: "company-archive"))
        #expect(plan.edits.isEmpty)
        #expect(Self.reasons(plan) == ["the target bucket company-archive does not contain the environment 'dev', "
            + "so it cannot be written with the same placeholder"])
    }

    @Test func aConstantNeedsTheTargetsCodeRef() async throws {
        let repo = try SnippetRepo([
            "common/config.py": SnippetRepo.config,
            "dags/a.py": "from common.config import DATA_GCS_BUCKET_NAME\n\nURI = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\n",
        ])
        defer { repo.remove() }
        let plan = try await repo.rewrite(SnippetRepo.plan(archiveCodeRef: nil))
        #expect(plan.edits.isEmpty)
        #expect(Self.reasons(plan) == ["bucket archive has no code_ref to replace DATA_GCS_BUCKET_NAME with"])
    }

    @Test func aConstantMustBeBroughtIntoScope() async throws {
        let repo = try SnippetRepo([
            "a.py": "URI = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\n",
            "b.py": "from elsewhere.settings import DATA_GCS_BUCKET_NAME\n\nURI = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\n",
            "c.sh": "gsutil ls \"gs://${DATA_GCS_BUCKET_NAME}/historization/x/\"\n",
            "d.yaml": "path: \"{DATA_GCS_BUCKET_NAME}/historization/x/\"\n",
        ])
        defer { repo.remove() }
        let plan = try await repo.rewrite()
        #expect(plan.edits.isEmpty)
        #expect(Self.reasons(plan) == [
            "DATA_GCS_BUCKET_NAME is neither defined nor imported by name in this file",
            "DATA_GCS_BUCKET_NAME is imported from elsewhere.settings, where the scan found no definition of it",
            "DATA_GCS_BUCKET_NAME comes from the environment of this script; set the new constant there and edit by hand",
            "DATA_GCS_BUCKET_NAME is provided by something outside the scanned code",
        ])
    }

    @Test func oneBucketArgumentServingTwoTargetsIsNotRewritten() async throws {
        let repo = try SnippetRepo([
            "common/config.py": SnippetRepo.config,
            "a.py": """
                from common.config import DATA_GCS_BUCKET_NAME

                op = GCSToBigQueryOperator(
                    task_id="t",
                    bucket=DATA_GCS_BUCKET_NAME,
                    source_objects=["historization/a/*.parquet", "dms_export/b/*.parquet"],
                )
                other = GCSToBigQueryOperator(task_id="u", bucket=DATA_GCS_BUCKET_NAME, source_objects=["historization/c/*.parquet", "misc/d.csv"])

                """,
        ])
        defer { repo.remove() }
        let plan = try await repo.rewrite()
        #expect(plan.edits.isEmpty)
        #expect(plan.unrewritable.map { "\($0.line) \($0.migration ?? "-")" } == ["6 historization", "6 dms_export", "8 historization"])
        let reasons = Self.reasons(plan)
        #expect(reasons[1] == "its bucket argument also serves paths that move to other buckets (ARCHIVE_BUCKET_NAME, DMS_STAGING_BUCKET_NAME)")
        #expect(reasons[2].hasPrefix("it shares its bucket argument with misc/d.csv (no migration) at line 8"))
    }

    @Test func partialMigrationsAreLeftToPeople() async throws {
        let repo = try SnippetRepo(["a.txt": "gs://data-bucket-dev/historization/x/a.json\n"])
        defer { repo.remove() }
        let plan = try await repo.rewrite(SnippetRepo.plan { $0.fileTypes = ["*.parquet"] })
        #expect(plan.edits.isEmpty)
        #expect(Self.reasons(plan).first?.hasPrefix("migration historization moves only some objects under historization/") == true)
    }

    @Test func migrationsWithoutRewriteCodeAreLeftAlone() async throws {
        let repo = try SnippetRepo(["a.txt": "gs://data-bucket-dev/historization/x/a.json\n"])
        defer { repo.remove() }
        let plan = try await repo.rewrite(SnippetRepo.plan { $0.rewriteCode = false })
        #expect(plan.edits.isEmpty && plan.unrewritable.isEmpty)
    }

    @Test func importsAreExtendedInEveryShape() async throws {
        let repo = try SnippetRepo([
            "common/config.py": SnippetRepo.config,
            "one_line.py": "from common.config import ENV_SHORT_NAME, DATA_GCS_BUCKET_NAME\n\nA = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\nB = DATA_GCS_BUCKET_NAME\n",
            "last_in_parens.py": "from common.config import (\n    ENV_SHORT_NAME,\n    DATA_GCS_BUCKET_NAME\n)\n\nA = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\nB = f\"{DATA_GCS_BUCKET_NAME}/misc/\"\n",
            "two_targets.py": "from common.config import DATA_GCS_BUCKET_NAME\n\nA = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\nB = f\"gs://{DATA_GCS_BUCKET_NAME}/dms_export/y.json\"\n",
        ])
        defer { repo.remove() }
        let plan = try await repo.rewrite()
        let after = Dictionary(uniqueKeysWithValues: plan.edits.map { ($0.path, $0.afterContent) })
        #expect(after["one_line.py"] == "from common.config import ENV_SHORT_NAME, DATA_GCS_BUCKET_NAME, ARCHIVE_BUCKET_NAME\n\n"
            + "A = f\"gs://{ARCHIVE_BUCKET_NAME}/archives/x/\"\nB = DATA_GCS_BUCKET_NAME\n")
        #expect(after["last_in_parens.py"] == "from common.config import (\n    ENV_SHORT_NAME,\n    DATA_GCS_BUCKET_NAME,\n    ARCHIVE_BUCKET_NAME\n)\n\n"
            + "A = f\"gs://{ARCHIVE_BUCKET_NAME}/archives/x/\"\nB = f\"{DATA_GCS_BUCKET_NAME}/misc/\"\n")
        #expect(after["two_targets.py"] == "from common.config import ARCHIVE_BUCKET_NAME, DMS_STAGING_BUCKET_NAME\n\n"
            + "A = f\"gs://{ARCHIVE_BUCKET_NAME}/archives/x/\"\nB = f\"gs://{DMS_STAGING_BUCKET_NAME}/y.json\"\n")
        #expect(after["common/config.py"]?.contains("""
            DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")
            ARCHIVE_BUCKET_NAME = os.environ.get("ARCHIVE_BUCKET_NAME", f"archive-bucket-{ENV_SHORT_NAME}")
            DMS_STAGING_BUCKET_NAME = os.environ.get("DMS_STAGING_BUCKET_NAME", f"dms-staging-bucket-{ENV_SHORT_NAME}")

            """) == true)
        for edit in plan.edits { try CodeFiles.apply(edit, root: repo.root) }
        try await PythonCompiler.check(plan.edits.map(\.path), root: repo.root)
        // Already defined and imported: the second pass adds nothing.
        #expect(try await repo.rewrite().edits.isEmpty)
    }

    @Test func aDefinitionAlreadyThereIsNotAddedTwice() async throws {
        let repo = try SnippetRepo([
            "common/config.py": SnippetRepo.config + "ARCHIVE_BUCKET_NAME = \"archive-bucket-dev\"\n",
            "a.py": "from common.config import DATA_GCS_BUCKET_NAME\n\nA = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/x/\"\n",
        ])
        defer { repo.remove() }
        let plan = try await repo.rewrite()
        #expect(plan.edits.map(\.path) == ["a.py"])
    }

    @Test func aLiteralDefinitionGetsALiteralSibling() async throws {
        let repo = try SnippetRepo([
            "job.py": "BUCKET = \"data-bucket-dev\"\n\n\ndef run(hook):\n    hook.upload(BUCKET, \"historization/x/a.csv\", filename=\"/tmp/a.csv\")\n",
        ])
        defer { repo.remove() }
        let plan = try await repo.rewrite()
        #expect(plan.edits.first?.afterContent == "BUCKET = \"data-bucket-dev\"\nARCHIVE_BUCKET_NAME = \"archive-bucket-dev\"\n\n\n"
            + "def run(hook):\n    hook.upload(ARCHIVE_BUCKET_NAME, \"archives/x/a.csv\", filename=\"/tmp/a.csv\")\n")
    }
}
