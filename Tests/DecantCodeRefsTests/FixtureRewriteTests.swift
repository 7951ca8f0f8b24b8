import DecantCodeRefs
import DecantCore
import Foundation
import Testing
import TestSupport

/// The fixture platform rewritten for the seed roadmap's plan: the result
/// compiles, a second pass plans nothing, and the deletion gate follows.
@Suite struct FixtureRewriteTests {
    @Test func editsAndWhatIsLeftToPeople() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let plan = FixtureRepo.plan()
        let rewrite = try await CodeRewriter.plan(try await repo.scan(plan), plan: plan, root: repo.root)
        #expect(rewrite.edits.map { "\($0.path) \($0.migrations.joined(separator: ","))" } == [
            "jobs/etl_jobs/external/dms/config.dev.yaml dms_export",
            "jobs/etl_jobs/external/dms/main.py dms_export",
            "jobs/etl_jobs/external/dms/parse_dms_subscriptions_to_tabular.py dms_export",
            "jobs/etl_jobs/external/qualtrics/main.py qualtrics_exports",
            "jobs/etl_jobs/internal/base32/deploy_base32.sh base32_encode",
            "jobs/etl_jobs/internal/gcs_seed/main.py bigquery_imports_seed",
            "jobs/etl_jobs/internal/offer_snapshots/conf/settings.py offer_snapshots",
            "orchestration/dags/common/config.py base32_encode,clusterisation,dms_export,historization,ml_embeddings,qpi_historical,rows",
            "orchestration/dags/data_gcp_dbt/macros/function_utils/udf_js/create_base32_decode.sql base32_encode",
            "orchestration/dags/data_gcp_dbt/macros/function_utils/udf_js/create_base32_encode.sql base32_encode",
            "orchestration/dags/jobs/administration/bigquery_historize_applicative_database.py historization",
            "orchestration/dags/jobs/export/export_rows.py rows",
            "orchestration/dags/jobs/import/import_dms_subscriptions.py dms_export",
            "orchestration/dags/jobs/import/import_qpi.py qpi_historical",
            "orchestration/dags/jobs/ml/clusterisation.py clusterisation",
            "orchestration/dags/jobs/ml/embeddings.py ml_embeddings",
            "tools/fetch_qpi_history.sh qpi_historical",
            "tools/seed_manifest.json bigquery_imports_seed",
        ])
        #expect(rewrite.unrewritable.map { "\($0.location) \($0.migration ?? "-")" } == [
            "jobs/etl_jobs/external/qualtrics/main.py:22 qualtrics_exports",
            "jobs/etl_jobs/external/qualtrics/main.py:35 qualtrics_surveys",
            "jobs/etl_jobs/external/siren/main.py:11 siren",
            "jobs/etl_jobs/internal/offer_snapshots/main.py:12 bigquery_imports_seed",
            "jobs/etl_jobs/internal/offer_snapshots/main.py:25 offer_exports",
            "orchestration/dags/jobs/administration/bigquery_archive_partition.py:32 historization",
            "orchestration/dags/jobs/export/export_partner_feeds.py:17 feeds_archive",
            "orchestration/dags/jobs/export/export_partner_feeds.py:31 feeds_archive",
            "orchestration/dags/jobs/export/export_partner_feeds.py:31 partner_feeds",
            "orchestration/dags/jobs/export/export_partner_feeds.py:37 partner_feeds",
            "orchestration/dags/jobs/export/export_partner_feeds.py:43 partner_feeds",
            "orchestration/dags/jobs/export/export_partner_feeds.py:50 feeds_archive",
            "orchestration/dags/jobs/export/export_partner_feeds.py:50 partner_feeds",
            "orchestration/dags/jobs/import/import_qpi.py:20 qpi_exports",
            "orchestration/dags/jobs/import/import_qpi.py:33 qpi_exports",
            "orchestration/dags/jobs/import/import_qpi.py:51 qpi_exports",
            "orchestration/dags/jobs/ml/embeddings.py:53 ml_embeddings",
            "tools/fetch_qpi_history.sh:8 qpi_exports",
            "tools/fetch_qpi_history.sh:8 qpi_historical",
        ])
        func reason(_ location: String) -> String { rewrite.unrewritable.first { $0.location == location }?.unrewritableReason ?? "" }
        #expect(reason("tools/fetch_qpi_history.sh:8").contains("QPI_*") && reason("tools/fetch_qpi_history.sh:8").contains("qpi_exports, qpi_historical"))
        #expect(reason("orchestration/dags/jobs/administration/bigquery_archive_partition.py:32")
            == "the template in historization/{folder}/{table_id}/{partition}_{table_id}_*.parquet decides whether "
            + "the rename tracking/ → firebase_tracking/, int_firebase/ → firebase_events/ applies; rewrite it by hand")
        #expect(reason("orchestration/dags/jobs/import/import_qpi.py:20") == "bucket qpi_import has no code_ref to replace DATA_GCS_BUCKET_NAME with")
        // Migrations without rewrite_code are neither edited nor listed.
        #expect(!rewrite.edits.contains { $0.migrations.contains("recommendation_sync") })
        #expect(!rewrite.unrewritable.contains { $0.migration == "recommendation_sync" })

        let config = try #require(rewrite.edits.first { $0.path == "orchestration/dags/common/config.py" })
        #expect(config.afterContent.contains("""
            DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")
            ARCHIVE_BUCKET_NAME = os.environ.get("ARCHIVE_BUCKET_NAME", f"archive-bucket-{ENV_SHORT_NAME}")
            DMS_STAGING_BUCKET_NAME = os.environ.get("DMS_STAGING_BUCKET_NAME", f"dms-staging-bucket-{ENV_SHORT_NAME}")
            ML_FEATURES_BUCKET_NAME = os.environ.get("ML_FEATURES_BUCKET_NAME", f"ml-features-bucket-{ENV_SHORT_NAME}")
            ROWS_BUCKET_NAME = os.environ.get("ROWS_BUCKET_NAME", f"rows-bucket-{ENV_SHORT_NAME}")
            SEED_DATA_BUCKET_NAME = os.environ.get("SEED_DATA_BUCKET_NAME", f"seed-data-bucket-{ENV_SHORT_NAME}")
            ML_BUCKET_TEMP
            """))
        #expect(config.afterContent.contains(#"BASE32_JS_LIB_PATH = f"gs://shared-utilities-bucket-{ENV_SHORT_NAME}/base32-encode/base32.js""#))
        #expect(config.afterContent.contains("# gs://shared-utilities-bucket-{env}/base32-encode/base32.js\n"))
        #expect(config.patch.hasPrefix("--- a/orchestration/dags/common/config.py\n+++ b/orchestration/dags/common/config.py\n@@ "))
        #expect(config.beforeHash == Digest.sha256Hex(try repo.read(config.path)))

        let qpi = try #require(rewrite.edits.first { $0.path == "orchestration/dags/jobs/import/import_qpi.py" })
        // The old constant is still used for QPI_exports, so the new one is imported beside it.
        #expect(qpi.afterContent.contains("    DATA_GCS_BUCKET_NAME,\n    SEED_DATA_BUCKET_NAME,\n    ENV_SHORT_NAME,\n"))
        #expect(qpi.afterContent.contains("bucket=SEED_DATA_BUCKET_NAME,\n        source_objects=[\"QPI_historical/qpi_answers_historical_*.parquet\"]"))
        let historize = try #require(rewrite.edits.first { $0.path.hasSuffix("bigquery_historize_applicative_database.py") })
        // Nothing else uses the old constant there: it is replaced in the import.
        #expect(historize.afterContent.contains("from common.config import ARCHIVE_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID\n"))
        #expect(historize.afterContent.contains(#"f"gs://{ARCHIVE_BUCKET_NAME}/archives/applicative/{table}/{{{{ ds_nodash }}}}/*.parquet""#))
        let dms = try #require(rewrite.edits.first { $0.path == "jobs/etl_jobs/external/dms/main.py" })
        #expect(dms.afterContent.contains("BUCKET_NAME = f\"data-bucket-{ENV_SHORT_NAME}\"\nDMS_STAGING_BUCKET_NAME = f\"dms-staging-bucket-{ENV_SHORT_NAME}\"\n"))
        #expect(dms.afterContent.contains("bucket = storage_client.bucket(DMS_STAGING_BUCKET_NAME)\n    blob = bucket.blob(f\"unsorted_dms_{target}_{updated_since}.json\")"))
        let yaml = try #require(rewrite.edits.first { $0.path.hasSuffix("config.dev.yaml") })
        #expect(yaml.afterContent.contains("    bucket: dms-staging-bucket-dev\n    prefix: \"\"\n"))
        #expect(yaml.afterContent.contains("  parsed_output: dms-staging-bucket-dev/parsed/\n"))
        let sql = try #require(rewrite.edits.first { $0.path.hasSuffix("create_base32_encode.sql") })
        #expect(sql.afterContent.contains(#"library = "gs://shared-utilities-bucket-{{ var('ENV_SHORT_NAME') }}/base32-encode/base32.js""#))
        let dmsImport = try #require(rewrite.edits.first { $0.path.hasSuffix("import_dms_subscriptions.py") })
        #expect(dmsImport.afterContent.contains(#"DMS_EXPORT_URI = "gs://{}/".format(DMS_STAGING_BUCKET_NAME)"#))
    }

    @Test func theRewrittenTreeCompilesAndASecondPassPlansNothing() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let plan = FixtureRepo.plan()
        let before = try await repo.scan(plan)
        let rewrite = try await CodeRewriter.plan(before, plan: plan, root: repo.root)
        for edit in rewrite.edits { try CodeFiles.apply(edit, root: repo.root) }
        for edit in rewrite.edits { #expect(try repo.read(edit.path) == edit.afterContent) }

        let python = rewrite.edits.map(\.path).filter { $0.hasSuffix(".py") }
        #expect(python.count == 12)
        try await PythonCompiler.check(python, root: repo.root)

        let after = try await repo.scan(plan)
        let again = try await CodeRewriter.plan(after, plan: plan, root: repo.root)
        #expect(again.edits.isEmpty, "\(again.edits.map(\.patch))")
        // The same references stay unrewritable (a line may have moved with an added import).
        let what: (CodeReference) -> String = { "\($0.path) \($0.migration ?? "-") \($0.objectPath)" }
        #expect(again.unrewritable.map(what) == rewrite.unrewritable.map(what))
        // No reference to a rewritten location is left but those listed as unrewritable.
        let rewritten = Set(rewrite.edits.flatMap(\.migrations))
        let left = after.references.filter { $0.migration.map(rewritten.contains) ?? false }
        #expect(Set(left.map(what)) == Set(rewrite.unrewritable.filter { $0.migration.map(rewritten.contains) ?? false }.map(what)))
    }

    @Test func theDeletionGateFollowsTheReferences() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let plan = FixtureRepo.plan()
        let before = try await repo.scan(plan)
        #expect(before.referencedMigrations().isSuperset(of: ["dms_export", "base32_encode", "bigquery_imports_seed", "historization"]))
        for edit in try await CodeRewriter.plan(before, plan: plan, root: repo.root).edits { try CodeFiles.apply(edit, root: repo.root) }

        let after = try await repo.scan(plan)
        // Rewritten everywhere: deletion may go ahead.
        for key in ["dms_export", "base32_encode", "offer_snapshots", "rows", "clusterisation"] {
            #expect(!after.referencedMigrations().contains(key), "\(after.references(to: key).map(\.location))")
        }
        // One reference left (the rename decided at run time) keeps historization's source.
        #expect(after.references(to: "historization").map(\.location)
                == ["orchestration/dags/jobs/administration/bigquery_archive_partition.py:32"])
        // The seed folder is still read through a path constant of a job (left to people).
        #expect(after.references(to: "bigquery_imports_seed").map(\.location) == ["jobs/etl_jobs/internal/offer_snapshots/main.py:12"])
        #expect(after.referencedMigrations() == ["bigquery_imports_seed", "feeds_archive", "historization", "ml_embeddings", "offer_exports",
                                                 "partner_feeds", "qpi_exports", "qpi_historical", "qualtrics_exports", "qualtrics_surveys",
                                                 "recommendation_sync", "siren"])

        // A person fixes it by hand; then nothing blocks historization.
        let path = "orchestration/dags/jobs/administration/bigquery_archive_partition.py"
        var text = try repo.read(path)
        text = text.replacingOccurrences(of: "from common.config import DATA_GCS_BUCKET_NAME,", with: "from common.config import ARCHIVE_BUCKET_NAME,")
        text = text.replacingOccurrences(of: #"f"gs://{DATA_GCS_BUCKET_NAME}/historization/{folder}/"#,
                                         with: #"f"gs://{ARCHIVE_BUCKET_NAME}/archives/{ARCHIVE_FOLDERS[folder]}/"#)
        try repo.write(path, text)
        let fixed = try await repo.scan(plan)
        #expect(!fixed.referencedMigrations().contains("historization"))
    }
}

/// `python3 -m py_compile` on files of a tree: the rewrite must keep Python valid.
enum PythonCompiler {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func check(_ paths: [String], root: String) async throws {
        try await OffPool.run { try checkBlocking(paths, root: root) }
    }

    private static func checkBlocking(_ paths: [String], root: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "py_compile"] + paths
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONPYCACHEPREFIX"] = root + "/.pycache"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "py_compile failed (\(process.terminationStatus)): " + String(decoding: output, as: UTF8.self))
        }
    }
}
