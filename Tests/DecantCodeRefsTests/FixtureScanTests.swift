import DecantCodeRefs
import DecantCore
import Testing

/// The fixture platform scanned for `dev`: every reference with its form,
/// direction and migration, matching seed 000's PUSH/PULL facts. The jobs that
/// pass the bucket around (`FlowFixture.files`) have tests of their own.
@Suite struct FixtureScanTests {
    typealias Row = (path: String, line: Int, column: Int, form: CodeReference.Form, direction: CodeReference.Direction,
                     bucket: String, object: String, migration: String?)

    static let references: [Row] = [
        ("jobs/etl_jobs/external/dms/config.dev.yaml", 8, 13, .split, .write, "data-bucket-dev", "dms_export/", "dms_export"),
        ("jobs/etl_jobs/external/dms/config.dev.yaml", 10, 22, .literal, .unknown, "data-bucket-dev", "dms_export/archive/", "dms_export"),
        ("jobs/etl_jobs/external/dms/config.dev.yaml", 11, 18, .literal, .write, "data-bucket-dev", "dms_export/parsed/", "dms_export"),
        ("jobs/etl_jobs/external/dms/main.py", 26, 26, .split, .write, "BUCKET_NAME", "dms_export/unsorted_dms_{target}_{updated_since}.json", "dms_export"),
        ("jobs/etl_jobs/external/dms/parse_dms_subscriptions_to_tabular.py", 14, 25, .split, .read, "DATA_GCS_BUCKET_NAME", "dms_export/unsorted_dms_{target}_{updated_since}.json", "dms_export"),
        ("jobs/etl_jobs/external/dms/parse_dms_subscriptions_to_tabular.py", 16, 29, .constant, .write, "{DATA_GCS_BUCKET_NAME}", "dms_export/dms_{target}_{updated_since}.parquet", "dms_export"),
        ("jobs/etl_jobs/internal/base32/deploy_base32.sh", 7, 32, .templated, .write, "data-bucket-${ENV}", "base32-encode/base32.js", "base32_encode"),
        ("jobs/etl_jobs/internal/gcs_seed/main.py", 22, 18, .constant, .read, "{DATA_BUCKET_NAME}", "bigquery_imports/seed/{table_name}/{file_name}.{file_type}", "bigquery_imports_seed"),
        // `uri` given to the load on the next lines (found by following the local).
        ("jobs/etl_jobs/internal/gcs_seed/main.py", 24, 38, .constant, .read, "data-bucket-{ENV_SHORT_NAME}", "bigquery_imports/seed/{table_name}/{file_name}.{file_type}", "bigquery_imports_seed"),
        ("jobs/etl_jobs/internal/gcs_seed/main.py", 32, 16, .constant, .read, "{DATA_BUCKET_NAME}", "QPI_mapping/qpi_mapping.parquet", nil),
        ("jobs/etl_jobs/internal/sync_recommendation/README.md", 6, 9, .literal, .unknown, "data-bucket-dev", "export/cloudsql_recommendation_tables_to_bigquery/{timestamp}/", "recommendation_sync"),
        ("jobs/etl_jobs/internal/sync_recommendation/README.md", 15, 16, .literal, .read, "data-bucket-dev", "export/cloudsql_recommendation_tables_to_bigquery/", "recommendation_sync"),
        ("orchestration/dags/common/config.py", 12, 8, .templated, .unknown, "data-bucket-{env}", "base32-encode/base32.js", "base32_encode"),
        ("orchestration/dags/common/config.py", 13, 29, .templated, .read, "data-bucket-{ENV_SHORT_NAME}", "base32-encode/base32.js", "base32_encode"),
        ("orchestration/dags/data_gcp_dbt/macros/function_utils/udf_js/create_base32_decode.sql", 5, 27, .templated, .read, "data-bucket-{{ target.name }}", "base32-encode/base32.js", "base32_encode"),
        ("orchestration/dags/data_gcp_dbt/macros/function_utils/udf_js/create_base32_encode.sql", 6, 26, .templated, .read, "data-bucket-{{ var('ENV_SHORT_NAME') }}", "base32-encode/base32.js", "base32_encode"),
        ("orchestration/dags/jobs/administration/bigquery_archive_partition.py", 32, 32, .constant, .write, "{DATA_GCS_BUCKET_NAME}", "historization/{folder}/{table_id}/{partition}_{table_id}_*.parquet", "historization"),
        ("orchestration/dags/jobs/administration/bigquery_historize_applicative_database.py", 19, 43, .constant, .read, "{DATA_GCS_BUCKET_NAME}", "historization/applicative/{table}/{{{{ ds_nodash }}}}/*.parquet", "historization"),
        ("orchestration/dags/jobs/api/sync_bigquery_to_cloudsql_recommendation_tables.py", 19, 24, .constant, .write, "{DATA_GCS_BUCKET_NAME}", "export/cloudsql_recommendation_tables_to_bigquery/{{{{ ts_nodash }}}}/{table}-*.parquet", "recommendation_sync"),
        ("orchestration/dags/jobs/api/sync_cloudsql_recommendation_tables_to_bigquery.py", 7, 22, .constant, .read, "{DATA_GCS_BUCKET_NAME}", "export/cloudsql_recommendation_tables_to_bigquery", "recommendation_sync"),
        ("orchestration/dags/jobs/api/sync_cloudsql_recommendation_tables_to_bigquery.py", 20, 36, .constant, .read, "DATA_GCS_BUCKET_NAME", "export/cloudsql_recommendation_tables_to_bigquery/{{ ts_nodash }}/{table}.parquet", "recommendation_sync"),
        ("orchestration/dags/jobs/dbt/dbt_artifacts.py", 15, 14, .split, .write, "DATA_GCS_BUCKET_NAME", "elementary_reports/{{ execution_date.year }}/elementary_report_{{ ds_nodash }}.html", nil),
        ("orchestration/dags/jobs/export/export_clickhouse.py", 9, 18, .constant, .write, "{DATA_GCS_BUCKET_NAME}", "clickhouse_export/{ENV_SHORT_NAME}/export/{DATE}", nil),
        ("orchestration/dags/jobs/export/export_clickhouse.py", 29, 40, .constant, .write, "DATA_GCS_BUCKET_NAME", "clickhouse_export/{ENV_SHORT_NAME}/export/{{ ds_nodash }}/{table_name}/data-*.parquet", nil),
        ("orchestration/dags/jobs/import/import_dms_subscriptions.py", 10, 24, .constant, .read, "DATA_GCS_BUCKET_NAME", "dms_export/", "dms_export"),
        ("orchestration/dags/jobs/import/import_dms_subscriptions.py", 15, 72, .split, .read, "DATA_GCS_BUCKET_NAME", "dms_export/", "dms_export"),
        ("orchestration/dags/jobs/import/import_dms_subscriptions.py", 21, 9, .constant, .read, "DATA_GCS_BUCKET_NAME", "dms_export/dms_pro_*.parquet", "dms_export"),
        ("orchestration/dags/jobs/import/import_dms_subscriptions.py", 37, 26, .split, .read, "DATA_GCS_BUCKET_NAME", "dms_export/dms_jeunes_*.parquet", "dms_export"),
        ("orchestration/dags/jobs/import/import_qpi.py", 20, 58, .split, .read, "DATA_GCS_BUCKET_NAME", "QPI_exports/qpi_answers_{ds_nodash}/", "qpi_exports"),
        ("orchestration/dags/jobs/import/import_qpi.py", 33, 17, .split, .read, "DATA_GCS_BUCKET_NAME", "QPI_exports/qpi_answers_{{ ds_nodash }}/", "qpi_exports"),
        ("orchestration/dags/jobs/import/import_qpi.py", 42, 26, .split, .read, "DATA_GCS_BUCKET_NAME", "QPI_historical/qpi_answers_historical_*.parquet", "qpi_historical"),
        ("orchestration/dags/jobs/import/import_qpi.py", 51, 26, .split, .read, "DATA_GCS_BUCKET_NAME", "QPI_exports/qpi_answers_{{ ds_nodash }}/*.jsonl", "qpi_exports"),
        ("orchestration/dags/jobs/ml/link_items.py", 13, 48, .constant, .write, "{DATA_GCS_BUCKET_NAME}", "link_items/{RUN_ID}/items-*.parquet", nil),
        ("tools/fetch_qpi_history.sh", 7, 17, .templated, .read, "data-bucket-${ENV}", "QPI_historical/qpi_answers_historical_2023.parquet", "qpi_historical"),
        ("tools/fetch_qpi_history.sh", 8, 20, .templated, .read, "data-bucket-${ENV}", "QPI_*", "qpi_exports"),
        ("tools/fetch_qpi_history.sh", 8, 20, .templated, .read, "data-bucket-${ENV}", "QPI_*", "qpi_historical"),
        ("tools/seed_manifest.json", 2, 23, .literal, .read, "data-bucket-dev", "bigquery_imports/seed/", "bigquery_imports_seed"),
    ]

    static let unresolved: [Row] = [
        ("jobs/etl_jobs/internal/gcs_seed/main.py", 18, 63, .split, .read, "DATA_BUCKET_NAME", "", nil),
        ("tools/fetch_qpi_history.sh", 9, 17, .templated, .read, "data-bucket-${ENV}", "", nil),
    ]

    static let otherEnvironments: [Row] = [
        ("jobs/etl_jobs/internal/sync_recommendation/README.md", 10, 38, .literal, .unknown, "data-bucket-prod", "export/cloudsql_recommendation_tables_to_bigquery/", nil),
        ("jobs/ml_jobs/artist_linkage/streamlits/st_analyze_clustering.py", 5, 36, .literal, .read, "data-bucket-stg", "link_artists/matched_artists.parquet", nil),
        ("jobs/ml_jobs/artist_linkage/streamlits/st_explore_and_clusterize_data.py", 4, 31, .literal, .read, "data-bucket-stg", "link_artists/artists_to_match.parquet", nil),
    ]

    static func rows(_ refs: [CodeReference]) -> [String] {
        refs.filter { !FlowFixture.files.contains($0.path) }.map { "\($0.path):\($0.line):\($0.column) \($0.form) \($0.direction) \($0.bucketText) \($0.objectPath) \($0.migration ?? "-")" }
    }

    static func rows(_ expected: [Row]) -> [String] {
        expected.map { "\($0.path):\($0.line):\($0.column) \($0.form) \($0.direction) \($0.bucket) \($0.object) \($0.migration ?? "-")" }
    }

    @Test func everyReferenceWithItsFormDirectionAndMigration() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let scan = try await repo.scan()
        #expect(Self.rows(scan.references) == Self.rows(Self.references))
        #expect(Self.rows(scan.unresolved) == Self.rows(Self.unresolved))
        #expect(Self.rows(scan.otherEnvironments) == Self.rows(Self.otherEnvironments))
    }

    @Test func reasonsExcerptsAndDefinitions() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let scan = try await repo.scan()
        let qpi = try #require(scan.references.first { $0.location == "orchestration/dags/jobs/import/import_qpi.py:42" })
        #expect(qpi.excerpt == "source_objects=[\"QPI_historical/qpi_answers_historical_*.parquet\"],")
        #expect(qpi.unrewritableReason == nil)
        #expect(scan.unresolved.map { $0.unrewritableReason ?? "" } == [
            "the object path is computed at run time (`prefix=folder`)",
            "names the bucket root (what a program appends at run time is not seen)",
        ])
        #expect(scan.otherEnvironments.filter { !FlowFixture.files.contains($0.path) }.map { $0.unrewritableReason ?? "" } == [
            "names data-bucket-prod, the prod environment's source bucket (migration recommendation_sync there)",
            "names data-bucket-stg, the stg environment's source bucket (migration link_artists there)",
            "names data-bucket-stg, the stg environment's source bucket (migration link_artists there)",
        ])
        let parents = scan.references.filter { $0.objectPath == "QPI_*" }
        #expect(parents.allSatisfy { $0.unrewritableReason?.contains("qpi_exports, qpi_historical") == true })
        #expect(scan.definitions.filter { !FlowFixture.files.contains($0.path) } == [
            ConstantDefinition(path: "jobs/etl_jobs/external/dms/main.py", line: 9, name: "BUCKET_NAME", isAlias: true),
            ConstantDefinition(path: "jobs/etl_jobs/external/dms/parse_dms_subscriptions_to_tabular.py", line: 8, name: "DATA_GCS_BUCKET_NAME", isAlias: false),
            ConstantDefinition(path: "jobs/etl_jobs/internal/gcs_seed/main.py", line: 8, name: "DATA_BUCKET_NAME", isAlias: true),
            ConstantDefinition(path: "orchestration/dags/common/config.py", line: 7, name: "DATA_GCS_BUCKET_NAME", isAlias: false),
        ])
    }

    @Test func skipsGitIgnoredBinaryAndGitFiles() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let scan = try await repo.scan()
        let all = scan.references + scan.unresolved + scan.otherEnvironments
        // debug.log (*.log), artist_linkage/data/ (nested .gitignore), data_gcp_dbt/target/ (anchored dir), .git/.
        for ignored in ["debug.log", "artist_linkage/data/", "data_gcp_dbt/target/", ".git/", "sample.parquet"] {
            #expect(!all.contains { $0.path.contains(ignored) }, "\(ignored) was scanned")
        }
        #expect(scan.filesIgnored == 3)
        #expect(scan.skipped == [SkippedFile(path: "jobs/etl_jobs/external/dms/fixtures/sample.parquet", reason: .binary)])
        #expect(scan.filesScanned == 49)
    }

    @Test func skipsHugeFilesAndReportsThem() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let scan = try await CodeScanner.scan(repo.options(maxFileBytes: 1500), migrations: FixtureRepo.plan().migrations)
        let large = scan.skipped.filter { if case .tooLarge = $0.reason { return true } else { return false } }
        #expect(large.map(\.path).contains("orchestration/dags/jobs/import/import_qpi.py"))
        #expect(!scan.references.contains { $0.path == "orchestration/dags/jobs/import/import_qpi.py" })
        let qpi = try #require(large.first { $0.path == "orchestration/dags/jobs/import/import_qpi.py" })
        #expect(qpi.reason == .tooLarge(bytes: try repo.read(qpi.path).utf8.count))
    }

    @Test func includeAndExcludeGlobs() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let scan = try await CodeScanner.scan(repo.options(include: ["orchestration/**"], exclude: ["**/api/**", "**/*.sql"]),
                                              migrations: FixtureRepo.plan().migrations)
        let paths = Set((scan.references + scan.unresolved).map(\.path))
        #expect(paths.allSatisfy { $0.hasPrefix("orchestration/") && !$0.contains("/api/") && !$0.hasSuffix(".sql") })
        #expect(paths.contains("orchestration/dags/jobs/import/import_qpi.py"))
    }

    @Test func theOutputIsDeterministic() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let first = try await repo.scan()
        let second = try await repo.scan()
        #expect(first == second)
    }

    @Test func referencedMigrationsGateDeletion() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let scan = try await repo.scan()
        #expect(scan.referencedMigrations() == ["base32_encode", "bigquery_imports_seed", "clusterisation", "dms_export", "feeds_archive",
                                                "historization", "ml_embeddings", "offer_exports", "offer_snapshots", "partner_feeds",
                                                "qpi_exports", "qpi_historical", "qualtrics_exports", "qualtrics_surveys",
                                                "recommendation_sync", "rows", "siren"])
        // link_artists is named only with the stg bucket: nothing blocks it in dev.
        #expect(!scan.referencedMigrations().contains("link_artists"))
        #expect(scan.references(to: "historization").map(\.location) == [
            "orchestration/dags/jobs/administration/bigquery_archive_partition.py:32",
            "orchestration/dags/jobs/administration/bigquery_historize_applicative_database.py:19",
        ])
    }

    @Test func inStagingTheHardCodedStagingBucketResolves() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let options = CodeScanOptions(root: repo.root, sourceRefs: ["data-bucket-stg", "DATA_GCS_BUCKET_NAME", "{DATA_GCS_BUCKET_NAME}"],
                                      environment: "stg", otherEnvironmentBuckets: ["dev": "data-bucket-dev", "prod": "data-bucket-prod"])
        let migrations = FixtureRepo.plan().migrations.map { m -> Migration in
            var m = m
            m.source.bucket = "data-bucket-stg"
            return m
        }
        let scan = try await CodeScanner.scan(options, migrations: migrations)
        #expect(scan.references(to: "link_artists").map(\.location) == [
            "jobs/ml_jobs/artist_linkage/streamlits/st_analyze_clustering.py:5",
            "jobs/ml_jobs/artist_linkage/streamlits/st_explore_and_clusterize_data.py:4",
            // Read through the constant on line 4.
            "jobs/ml_jobs/artist_linkage/streamlits/st_explore_and_clusterize_data.py:7",
        ])
        #expect(scan.otherEnvironments.contains { $0.bucketText == "data-bucket-dev" && $0.path.hasSuffix("config.dev.yaml") })
        // Templates stand for this environment's bucket.
        #expect(scan.references.contains { $0.path.hasSuffix("create_base32_encode.sql") && $0.migration == "base32_encode" })
    }

    @Test func aMissingRootOrABadGlobIsAnError() async throws {
        await #expect(throws: CodeRefsError.rootNotFound("/nonexistent/decant")) {
            try await CodeScanner.scan(CodeScanOptions(root: "/nonexistent/decant", sourceRefs: ["b"], environment: "dev"), migrations: [])
        }
        let repo = try FixtureRepo()
        defer { repo.remove() }
        await #expect(throws: CodeRefsError.invalidGlob(pattern: "[abc", problem: "a '[' is never closed")) {
            try await CodeScanner.scan(repo.options(include: ["[abc"]), migrations: [])
        }
    }
}
