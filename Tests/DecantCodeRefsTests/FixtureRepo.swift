import DecantCodeRefs
import DecantCore
import Foundation
import TestSupport

/// The fixture platform repository (`PlatformFixture`) copied into a temporary
/// directory, with the plan the tests migrate it with: the seed roadmap's buckets
/// and migrations for `dev`.
struct FixtureRepo {
    let directory: TemporaryDirectory
    var root: String { directory.path }

    static let sourceRefs = ["data-bucket-dev", "data-bucket-{ENV_SHORT_NAME}", "{DATA_GCS_BUCKET_NAME}", "DATA_GCS_BUCKET_NAME"]
    static let otherEnvironments = ["stg": "data-bucket-stg", "prod": "data-bucket-prod"]

    init() throws {
        directory = try TemporaryDirectory("decant-coderefs")
        try FileManager.default.removeItem(at: directory.url)
        try PlatformFixture.copy(to: directory.url)
        // git's own folder is never scanned, whatever it holds.
        try directory.write(".git/config", "[remote \"origin\"]\n\turl = gs://data-bucket-dev/dms_export/mirror.git\n")
    }

    func remove() { directory.remove() }

    func options(maxFileBytes: Int = CodeScanOptions.defaultMaxFileBytes, include: [String] = [], exclude: [String] = []) -> CodeScanOptions {
        CodeScanOptions(root: root, include: include, exclude: exclude, sourceRefs: Self.sourceRefs, environment: "dev",
                        otherEnvironmentBuckets: Self.otherEnvironments, maxFileBytes: maxFileBytes)
    }

    func scan(_ plan: Plan = FixtureRepo.plan()) async throws -> CodeScan {
        try await CodeScanner.scan(options(), migrations: plan.migrations)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: root + "/" + path, encoding: .utf8)
    }

    func write(_ path: String, _ text: String) throws {
        try directory.write(path, text)
    }

    /// Buckets and migrations like the seed roadmap, for `dev`.
    static func plan(rewrite: Bool = true) -> Plan {
        func bucket(_ key: String, _ name: String, _ codeRef: String?) -> BucketSpec {
            BucketSpec(key: key, name: name, codeRef: codeRef)
        }
        func migration(_ key: String, _ phase: Int, _ source: String, _ bucketKey: String, _ bucket: String, _ target: String,
                       renames: [SubfolderRename] = [], rewrite: Bool = rewrite) -> Migration {
            Migration(key: key, phase: phase, source: BucketPath(bucket: "data-bucket-dev", prefix: source),
                      target: BucketPath(bucket: bucket, prefix: target), targetBucketKey: bucketKey, subfolders: renames,
                      rewriteCode: rewrite)
        }
        return Plan(
            environment: "dev", variables: ["env": "dev"], storage: .local(root: "/tmp/store"), state: .local(path: "state/dev.db"),
            code: CodeConfig(root: ".", include: [], exclude: [], sourceRefs: sourceRefs),
            buckets: [
                bucket("archive", "archive-bucket-dev", "ARCHIVE_BUCKET_NAME"),
                bucket("seed_data", "seed-data-bucket-dev", "SEED_DATA_BUCKET_NAME"),
                bucket("shared_utilities", "shared-utilities-bucket-dev", "SHARED_UTILITIES_BUCKET_NAME"),
                bucket("qpi_import", "qpi-import-bucket-dev", nil),
                bucket("dms_staging", "dms-staging-bucket-dev", "DMS_STAGING_BUCKET_NAME"),
                bucket("snapshots", "snapshots-bucket-dev", "SNAPSHOTS_BUCKET_NAME"),
                bucket("qualtrics", "qualtrics-bucket-dev", "QUALTRICS_BUCKET_NAME"),
                bucket("feeds", "feeds-bucket-dev", "FEEDS_BUCKET_NAME"),
                bucket("rows", "rows-bucket-dev", "ROWS_BUCKET_NAME"),
                bucket("company_data", "company-data-bucket-dev", "COMPANY_DATA_BUCKET_NAME"),
                bucket("ml_features", "ml-features-bucket-dev", "ML_FEATURES_BUCKET_NAME"),
            ],
            migrations: [
                migration("historization", 1, "historization/", "archive", "archive-bucket-dev", "archives/",
                          renames: [SubfolderRename(from: "tracking/", to: "firebase_tracking/"),
                                    SubfolderRename(from: "int_firebase/", to: "firebase_events/")]),
                migration("qpi_historical", 2, "QPI_historical/", "seed_data", "seed-data-bucket-dev", "QPI_historical/"),
                migration("bigquery_imports_seed", 3, "bigquery_imports/seed/", "seed_data", "seed-data-bucket-dev", "seed/"),
                migration("base32_encode", 3, "base32-encode/", "shared_utilities", "shared-utilities-bucket-dev", "base32-encode/"),
                migration("qpi_exports", 4, "QPI_exports/", "qpi_import", "qpi-import-bucket-dev", "qpi_exports/"),
                migration("dms_export", 4, "dms_export/", "dms_staging", "dms-staging-bucket-dev", ""),
                migration("recommendation_sync", 5, "export/cloudsql_recommendation_tables_to_bigquery/", "archive",
                          "archive-bucket-dev", "recommendation/", rewrite: false),
                migration("link_artists", 5, "link_artists/", "archive", "archive-bucket-dev", "link_artists/", rewrite: false),
                // The folders of the jobs that pass the bucket around (constants imported from
                // config modules, local flow, Airflow params, launcher DAGs).
                migration("offer_snapshots", 2, "offer_snapshots/", "snapshots", "snapshots-bucket-dev", "offer_snapshots/"),
                migration("offer_exports", 2, "offer_exports/", "snapshots", "snapshots-bucket-dev", "exports/"),
                migration("qualtrics_exports", 3, "qualtrics_exports/", "qualtrics", "qualtrics-bucket-dev", "exports/"),
                migration("qualtrics_surveys", 3, "qualtrics_surveys/", "qualtrics", "qualtrics-bucket-dev", "surveys/"),
                migration("partner_feeds", 4, "outbox/feeds/", "feeds", "feeds-bucket-dev", ""),
                migration("feeds_archive", 4, "outbox/feeds_archive/", "archive", "archive-bucket-dev", "feeds/"),
                migration("rows", 4, "rows/", "rows", "rows-bucket-dev", "rows/"),
                migration("siren", 4, "siren/", "company_data", "company-data-bucket-dev", ""),
                migration("clusterisation", 5, "clusterisation/", "ml_features", "ml-features-bucket-dev", "clusterisation/"),
                migration("ml_embeddings", 5, "ml_embeddings/", "ml_features", "ml-features-bucket-dev", "embeddings/"),
            ])
    }
}
