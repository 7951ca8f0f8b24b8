import DecantCodeRefs
import DecantCore
import Foundation

/// One code scan (`CodeScanner.scan`: walk, read, search, analyse, classify) of the
/// tree bench/scan/generate.py writes, with the roadmap's source references and
/// migrations (those of the code-refs tests' fixture repo), as `decant plan` runs it.
/// bench/scan/run times this process side by side with ripgrep.
enum ScanBenchmark {
    static let sourceRefs = ["data-bucket-dev", "data-bucket-{ENV_SHORT_NAME}", "{DATA_GCS_BUCKET_NAME}", "DATA_GCS_BUCKET_NAME"]

    static func run(root: String) async throws {
        let options = CodeScanOptions(root: root, sourceRefs: sourceRefs, environment: "dev",
                                      otherEnvironmentBuckets: ["stg": "data-bucket-stg", "prod": "data-bucket-prod"])
        let scan = try await CodeScanner.scan(options, migrations: migrations)
        print("decant-scan: files=\(scan.filesScanned) bytes=\(scan.bytesScanned) references=\(scan.references.count) unresolved=\(scan.unresolved.count)")
        guard scan.filesScanned > 0, !scan.references.isEmpty else { throw BenchError("the scan found nothing in \(root)") }
    }

    static var migrations: [Migration] {
        func migration(_ key: String, _ phase: Int, _ source: String, _ bucketKey: String, _ bucket: String, _ target: String,
                       renames: [SubfolderRename] = [], rewrite: Bool = true) -> Migration {
            Migration(key: key, phase: phase, source: BucketPath(bucket: "data-bucket-dev", prefix: source),
                      target: BucketPath(bucket: bucket, prefix: target), targetBucketKey: bucketKey, subfolders: renames,
                      rewriteCode: rewrite)
        }
        return [
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
        ]
    }
}
