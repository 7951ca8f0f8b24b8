import DecantCore
import DecantPlanFile
import Testing

/// The project's own `plans/`: the seed's whole roadmap, valid in every environment.
@Suite struct RepositoryPlansTests {
    static var directory: String { Repository.root().appendingPathComponent("plans").path }

    @Test func validForDevStgAndProd() {
        let (environments, diagnostics) = PlanSet.read(directory: Self.directory).validate(environment: nil)
        #expect(environments == ["dev", "stg", "prod"])
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
    }

    @Test(arguments: ["dev", "stg", "prod"])
    func holdsTheWholeRoadmap(_ env: String) throws {
        let (plan, diagnostics) = PlanSet.read(directory: Self.directory).resolve(env)
        let p = try #require(plan, "\(diagnostics)")
        let project = env == "prod" ? "passculture-data-prod" : "passculture-data-ehp"
        #expect(p.storage == .gcs(project: project, endpoint: nil))
        #expect(p.state == .local(path: "state/\(env).db"))
        #expect(p.code?.sourceRefs == ["data-bucket-\(env)", "{DATA_GCS_BUCKET_NAME}", "DATA_GCS_BUCKET_NAME"])
        #expect(p.code?.include == ["orchestration/**", "jobs/**"])
        let phases = Dictionary(grouping: p.migrations, by: \.phase).mapValues { $0.map(\.source.prefix).sorted() }
        #expect(phases == [
            1: ["archives/", "bigquery_archive_tables/", "historization/"],
            2: ["QPI_historical/", "QPI_mapping/"],
            3: ["base32-encode/", "bigquery_imports/seed/"],
            4: ["QPI_exports/", "dms_export/"],
            5: ["clickhouse_export/", "elementary_reports/", "export/cloudsql_recommendation_tables_to_bigquery/"],
        ])
        #expect(p.migrations.allSatisfy { $0.source.bucket == "data-bucket-\(env)" })
        #expect(Set(p.buckets.map(\.name)) == Set(["cold-archive", "legacy-archive", "archive", "seed-data", "shared-utilities",
                                                   "qpi-import", "dms-staging", "recommendation-sync", "clickhouse-staging",
                                                   "elementary-reports"].map { "\($0)-bucket-\(env)" }))
        let historization = try #require(p.migration(key: "historization"))
        #expect(historization.subfolders.count == 4)
        #expect(p.bucket(key: "archive")?.lifecyclePolicy == "immediate_coldline")
        #expect(p.bucket(key: "seed-data")?.lifecyclePolicy == "standard_with_archiving")
        let qpi = try #require(p.migration(key: "QPI_exports"))
        #expect(qpi.partitions?.range == .lastDays(30) && qpi.fileTypes == ["*.jsonl"] && qpi.target.prefix == "imports/")
        let dms = try #require(p.migration(key: "dms_export"))
        #expect(dms.include == ["dms_*.parquet", "unsorted_dms_*.json"] && !dms.recursive && dms.target.prefix == "staging/")
        #expect(dms.cleanup?.retention == .days(90) && dms.cleanup?.deleteSource == false)
        let clickhouse = try #require(p.migration(key: "clickhouse_export"))
        #expect(clickhouse.partitions?.pattern.text == "\(env)/export/{YYYYMMDD}/")
        #expect(clickhouse.cleanup?.deleteSource == true && clickhouse.cleanup?.retention == .days(7))
        #expect(p.migration(key: "recommendation_sync")?.cleanup?.deleteSource == true)
        // Only the two the seed cleans up delete their source.
        #expect(p.migrations.filter { $0.cleanup?.deleteSource == true }.map(\.key).sorted() == ["clickhouse_export", "recommendation_sync"])
    }
}
