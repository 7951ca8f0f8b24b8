import DecantCodeRefs
import DecantCore
import DecantEngine
import DecantStorage
import Foundation
import TestSupport

/// The seed's shared bucket on the embedded local store: its twelve subfolders
/// with object ages as the seed describes them (manual archives untouched for
/// months, a quarterly archive job, a monthly seed refresh, daily pipelines), and
/// the fixture code repository shaped like seed 002 (`PlatformFixture`, shared with
/// the code-refs tests).
struct AnalysisFixture {
    static let bucket = "data-bucket-dev"
    static let now = FixedClock(parsing: "2026-11-20T12:00:00Z")!
    static let sourceRefs = ["data-bucket-dev", "{DATA_GCS_BUCKET_NAME}", "DATA_GCS_BUCKET_NAME"]

    let directory: TemporaryDirectory
    let store: LocalStore
    var storeRoot: String { directory.path + "/store" }
    var codeRoot: String { directory.path + "/code" }

    /// A clock the filling sets before each batch, so that objects get the creation time asked for.
    final class SettableClock: Clock, Sendable {
        let instant = Locked(Date())
        func now() -> Date { instant.current }
        func set(_ date: Date) { instant.withLock { $0 = date } }
    }

    init() async throws {
        directory = try TemporaryDirectory("decant-analyze")
        try PlatformFixture.copy(to: directory.url.appendingPathComponent("code"))
        let clock = SettableClock()
        let filling = LocalStore(root: directory.path + "/store", options: LocalStore.Options(clock: clock))
        _ = try await filling.createBucket(Self.bucket, project: nil, settings: BucketSettings(location: "EUROPE-WEST1"))
        try await Self.fill(filling, clock: clock)
        store = LocalStore(root: directory.path + "/store", options: LocalStore.Options(clock: Self.now))
    }

    func remove() { directory.remove() }

    /// Code scan options as `decant analyze` builds them for dev, leaving out the
    /// developer tools (as a plan's `code.exclude` would).
    func codeOptions() -> CodeScanOptions {
        CodeScanOptions(root: codeRoot, exclude: ["tools/**"], sourceRefs: Self.sourceRefs, environment: "dev",
                        otherEnvironmentBuckets: ["stg": "data-bucket-stg", "prod": "data-bucket-prod"])
    }

    func analyze(depth: Int = 1, thresholds: TemperatureThresholds = .standard, code: Bool = true) async throws -> BucketAnalysis {
        try await BucketAnalyzer(store: store, clock: Self.now)
            .analyze(AnalysisOptions(environment: "dev", bucket: Self.bucket, depth: depth, thresholds: thresholds,
                                     code: code ? codeOptions() : nil, parallelism: 4))
    }

    /// `yyyyMMdd` of the day `days` before now.
    static func day(_ days: Int) -> String {
        CalendarDay(now.instant.addingTimeInterval(-Double(days) * 86_400)).description.replacingOccurrences(of: "-", with: "")
    }

    /// Writes `names` as if created `days` days before now.
    static func put(_ store: LocalStore, _ clock: SettableClock, daysAgo days: Int, _ names: [String]) async throws {
        clock.set(now.instant.addingTimeInterval(-Double(days) * 86_400))
        let objects = names.map { (name: $0, data: Data("content of \($0)\n".utf8)) }
        _ = try await store.importObjects(bucket, objects)
    }

    static func fill(_ s: LocalStore, clock c: SettableClock) async throws {
        // Manual BigQuery table archives: a few exports, the last one 200 days ago.
        try await put(s, c, daysAgo: 420, (0..<4).map { "archives/booking_2022/part-\($0).parquet" })
        try await put(s, c, daysAgo: 200, (0..<3).map { "archives/offer_2023/part-\($0).parquet" })
        // The legacy archive system: nothing written for two and a half years.
        try await put(s, c, daysAgo: 930, (0..<5).map { "bigquery_archive_tables/user_2021010\($0)/000000000000.avro" })
        // Quarterly partition archives (bigquery_archive_partition.py runs on the 1st of each quarter).
        for days in [50, 142, 234, 326] {
            try await put(s, c, daysAgo: days, [
                "historization/tracking/firebase_events/\(day(days + 30))_firebase_events_000.parquet",
                "historization/int_firebase/native_event/\(day(days + 30))_native_event_000.parquet",
                "historization/api_reco/past_offer_context/\(day(days + 30))_past_offer_context_000.parquet",
                "historization/applicative/booking/\(day(days))/part-0.parquet",
            ])
        }
        // Historical QPI answers, read-only.
        try await put(s, c, daysAgo: 700, (2019...2023).map { "QPI_historical/qpi_answers_historical_\($0).parquet" })
        // The QPI mapping table, uploaded by hand.
        try await put(s, c, daysAgo: 610, ["QPI_mapping/archive/qpi_mapping_2023.parquet"])
        try await put(s, c, daysAgo: 240, ["QPI_mapping/qpi_mapping.parquet"])
        // Reference tables: most loaded long ago, a few refreshed this month.
        let tables = ["macro_rayons": "csv", "eac_cash_in": "csv", "institution_metadata": "csv", "iris_france": "csv",
                      "geo_iris": "parquet", "deps_qpv_2017": "parquet", "epci": "avro", "zrr": "avro", "qpv": "avro",
                      "siren_main_business_labels": "parquet", "region_department": "parquet", "academie_mapping": "csv"]
        for (i, (table, ext)) in tables.sorted(by: { $0.key < $1.key }).enumerated() {
            try await put(s, c, daysAgo: i < 3 ? 12 : 300 + 10 * i, ["bigquery_imports/seed/\(table)/\(table).\(ext)"])
        }
        // The base32 library, deployed once.
        try await put(s, c, daysAgo: 600, ["base32-encode/base32.js"])
        // Daily pipelines.
        for days in 0..<60 {
            try await put(s, c, daysAgo: days, [
                "QPI_exports/qpi_answers_\(day(days))/part-00000.jsonl", "QPI_exports/qpi_answers_\(day(days))/part-00001.jsonl",
                "elementary_reports/\(day(days).prefix(4))/elementary_report_\(day(days)).html",
            ])
        }
        for days in 0..<30 {
            try await put(s, c, daysAgo: days, [
                "dms_export/unsorted_dms_jeunes_\(day(days)).json", "dms_export/unsorted_dms_pro_\(day(days)).json",
                "dms_export/dms_jeunes_\(day(days)).parquet", "dms_export/dms_pro_\(day(days)).parquet",
                "clickhouse_export/dev/export/\(day(days))/booking/data-000.parquet",
                "clickhouse_export/dev/export/\(day(days))/offer/data-000.parquet",
            ])
        }
        for days in 0..<14 {
            let ts = day(days) + "T010000"
            try await put(s, c, daysAgo: days, [
                "export/cloudsql_recommendation_tables_to_bigquery/\(ts)/past_offer_context-000.parquet",
                "export/cloudsql_recommendation_tables_to_bigquery/\(ts)/enriched_user-000.parquet",
            ])
        }
        // The jobs that pass the bucket around (the fixture's offer_snapshots, qualtrics,
        // partner feeds, launcher DAGs, embeddings): daily and weekly pipelines.
        for days in 0..<10 {
            let d = day(days)
            try await put(s, c, daysAgo: days, [
                "offer_snapshots/full/\(d)/offers.parquet", "offer_snapshots/daily/\(d)/offers_with_types.parquet",
                "offer_exports_test/\(d)/offers.csv", "outbox/feeds/\(d)/feed-000.csv", "outbox/manifests/\(d)/manifest.json",
                "rows/venue/\(d)/rows-000.csv", "rows/offer/\(d)/rows-000.csv", "lineage/\(d)/lineage.html",
            ])
        }
        for days in [3, 10, 17, 24] {
            let d = day(days)
            try await put(s, c, daysAgo: days, [
                "outbox/feeds_archive/\(d)/feed-000.csv", "siren/raw/\(d)/siren.parquet", "qualtrics_exports/SV_1/answers_\(d).csv",
                "clusterisation/input/users.parquet", "clusterisation/features/users_features.parquet",
                "ml_embeddings/items/items-\(d).parquet", "ml_embeddings/models/model-\(d).bin", "ml_embeddings/reports/report-\(d).html",
            ])
        }
        try await put(s, c, daysAgo: 90, ["qualtrics_opt_out/latest/opt_out.csv", "qualtrics_surveys/SV_1/survey.qsf"])
        // Older reports, from last year.
        try await put(s, c, daysAgo: 400, ["elementary_reports/\(day(400).prefix(4))/elementary_report_\(day(400)).html"])
        // One object at the root of the bucket, in no folder.
        try await put(s, c, daysAgo: 100, ["_README.txt"])
    }
}
