import DecantCore
@testable import DecantPlanFile
import Testing

/// `decant convert` on the seed's own `migration_configs.yaml` (a verbatim copy in
/// Fixtures): the output validates, and each pattern keeps its meaning.
@Suite struct SeedConverterTests {
    static func converted() throws -> String {
        let (output, diagnostics) = SeedConverter.convert(try Repository.fixture("migration_configs.yaml"), fileName: "migration_configs.yaml")
        #expect(!diagnostics.hasErrors, "\(diagnostics)")
        return try #require(output)
    }

    static func plan(_ env: String) throws -> Plan {
        let (plan, diagnostics) = PlanSet(files: PlanText.files([("converted.yaml", try converted())])).resolve(env)
        return try #require(plan, "\(diagnostics)")
    }

    @Test func validatesForEveryEnvironment() throws {
        let (environments, diagnostics) = PlanSet(files: PlanText.files([("converted.yaml", try Self.converted())])).validate(environment: nil)
        #expect(environments == ["dev", "stg", "prod"])
        #expect(!diagnostics.hasErrors)
        // The only warning: seed-data's standard_with_archiving restarts on copies, a choice for the reviewer.
        #expect(diagnostics.map(\.message).allSatisfy { $0.contains("bucket `seed-data` has age-based lifecycle rules") })
    }

    @Test func isDeterministicAndCoversEveryUseCase() throws {
        let first = try Self.converted(), second = try Self.converted()
        #expect(first == second)
        let plan = try Self.plan("prod")
        #expect(plan.migrations.map(\.key) == ["historization", "bigquery_imports_seed", "dms_export", "qpi_exports",
                                               "clickhouse_export", "recommendation_sync"])
        #expect(plan.buckets.map(\.name) == ["archive-bucket-prod", "clickhouse-staging-bucket-prod", "dms-staging-bucket-prod",
                                             "qpi-import-bucket-prod", "recommendation-sync-bucket-prod", "seed-data-bucket-prod"])
        #expect(first.contains("decant: 1\n"))
        #expect(!first.contains("name:"))   // every seed bucket follows `<key>-bucket-${env}`
    }

    @Test func singleFolder() throws {
        let m = try #require(try Self.plan("dev").migration(key: "recommendation_sync"))
        #expect(m.phase == 5)
        #expect(m.source == BucketPath(bucket: "data-bucket-dev", prefix: "export/cloudsql_recommendation_tables_to_bigquery/"))
        #expect(m.target == BucketPath(bucket: "recommendation-sync-bucket-dev", prefix: "sync_staging/"))
        #expect(m.targetBucketKey == "recommendation-sync")
        #expect(m.recursive)   // include_subfolders: true
        #expect(m.cleanup == CleanupPolicy(deleteSource: true, after: .days(14), retention: nil))
        #expect(m.verify == .checksum)
    }

    @Test func multiFolder() throws {
        let plan = try Self.plan("stg")
        let h = try #require(plan.migration(key: "historization"))
        #expect(h.phase == 1)
        #expect(h.source == BucketPath(bucket: "data-bucket-stg", prefix: "historization/"))
        #expect(h.target == BucketPath(bucket: "archive-bucket-stg", prefix: "archives/"))
        #expect(h.subfolders.map { "\($0.from)→\($0.to)" } == ["tracking/→firebase_tracking/", "int_firebase/→firebase_events/",
                                                               "api_reco/→recommendation/", "applicative/→database_snapshots/"])
        #expect(plan.bucket(key: "archive")?.lifecyclePolicy == "immediate_coldline")
        #expect(plan.bucket(key: "archive")?.settings.lifecycle == [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 0))])

        let seed = try #require(plan.migration(key: "bigquery_imports_seed"))
        #expect(seed.phase == 3)
        #expect(seed.target == BucketPath(bucket: "seed-data-bucket-stg", prefix: ""))
        #expect(seed.fileTypes == ["*.csv", "*.parquet", "*.avro"])
        #expect(seed.verify == .checksum && seed.recursive)
        #expect(plan.bucket(key: "seed-data")?.lifecyclePolicy == "standard_with_archiving")
        #expect(plan.bucket(key: "seed-data")?.settings.lifecycle?.count == 2)
    }

    @Test func filePattern() throws {
        let m = try #require(try Self.plan("dev").migration(key: "dms_export"))
        #expect(m.phase == 4)
        #expect(m.source == BucketPath(bucket: "data-bucket-dev", prefix: "dms_export/"))
        #expect(m.target == BucketPath(bucket: "dms-staging-bucket-dev", prefix: "staging/"))
        #expect(m.include == ["dms_*.parquet", "unsorted_dms_*.json"])
        #expect(!m.recursive)
        #expect(m.verify == .size)   // check_file_count + verify_file_sizes
        #expect(m.cleanup == CleanupPolicy(deleteSource: false, after: .days(0), retention: .days(90)))
        #expect(try Self.converted().contains("# nothing until delete_source is enabled."))
        let selector = MigrationSelector(m, today: try #require(CalendarDay("2025-01-01")))
        #expect(selector.selects(relative: "dms_jeunes_2025.parquet"))
        #expect(!selector.selects(relative: "sub/dms_jeunes_2025.parquet"))
        #expect(!selector.selects(relative: "other.parquet"))
    }

    @Test func datePartitioned() throws {
        let plan = try Self.plan("prod")
        let q = try #require(plan.migration(key: "qpi_exports"))
        #expect(q.phase == 4)
        #expect(q.source == BucketPath(bucket: "data-bucket-prod", prefix: "QPI_exports/"))
        #expect(q.target == BucketPath(bucket: "qpi-import-bucket-prod", prefix: "imports/"))
        #expect(q.partitions?.pattern.text == "qpi_answers_{YYYYMMDD}/")
        #expect(q.partitions?.range == .lastDays(30))
        #expect(q.fileTypes == ["*.jsonl"])
        #expect(q.cleanup == nil && q.verify == .checksum)

        let c = try #require(plan.migration(key: "clickhouse_export"))
        #expect(c.phase == 5)
        #expect(c.partitions?.pattern.text == "prod/export/{YYYYMMDD}/")
        #expect(c.partitions?.range == .all)
        #expect(c.target == BucketPath(bucket: "clickhouse-staging-bucket-prod", prefix: "staging/"))
        #expect(c.cleanup == CleanupPolicy(deleteSource: true, after: .days(14), retention: .days(7)))
    }

    @Test func seedOptionsAllMap() throws {
        let text = """
        one:
          pattern: date_partitioned
          source_bucket: "src-{env}"
          target_bucket: "odd-name-{env}"
          source_path: "exports"
          target_path: "one"
          partition_pattern: "{YYYY}/{MM}/{DD}/"
          date_range: "2025-01-01:2025-03-31"
          cleanup_after_migration: true
          validation: { check_file_count: true }
          batch_size: 250
        two:
          pattern: single_folder
          source_bucket: "src-{env}"
          target_bucket: "odd-name-{env}"
          source_path: "other/"
          target_path: "two/"
          include_subfolders: true
          lifecycle_policy: immediate_coldline
        three:
          pattern: date_partitioned
          source_bucket: "src-{env}"
          target_bucket: "third-bucket-{env}"
          source_path: "day/"
          target_path: ""
          partition_pattern: "d_{YYYYMMDD}/"
          date_range: "2025-09-01"
        """
        let (output, diagnostics) = SeedConverter.convert(text, fileName: "in.yaml")
        #expect(!diagnostics.hasErrors, "\(diagnostics)")
        let converted = try #require(output)
        let plan = try #require(PlanSet(files: PlanText.files([("c.yaml", converted)])).resolve("dev").plan)
        let one = try #require(plan.migration(key: "one"))
        #expect(one.target == BucketPath(bucket: "odd-name-dev", prefix: "one/"))
        #expect(one.source.prefix == "exports/")
        #expect(one.partitions?.range == .between(try #require(CalendarDay("2025-01-01")), try #require(CalendarDay("2025-03-31"))))
        #expect(one.verify == .checksum)   // raised: deletion needs a checksum
        #expect(one.cleanup?.retention == .days(30))   // the seed's date_partitioned default
        #expect(one.batchSize == 250)
        #expect(plan.migration(key: "two")?.recursive == true)
        #expect(plan.migration(key: "three")?.partitions?.range == .day(try #require(CalendarDay("2025-09-01"))))
        #expect(plan.bucket(key: "odd-name")?.name == "odd-name-dev")
        #expect(plan.bucket(key: "odd-name")?.lifecyclePolicy == "immediate_coldline")
        #expect(plan.bucket(key: "third")?.name == "third-bucket-dev")
        #expect(plan.migration(key: "three")?.target == BucketPath(bucket: "third-bucket-dev", prefix: ""))
        #expect(converted.contains("name: \"odd-name-${env}\""))
    }

    @Test func singleFolderWithoutIncludeSubfoldersIsNotRecursive() throws {
        let (output, _) = SeedConverter.convert("""
        a: { pattern: single_folder, source_bucket: "s-{env}", target_bucket: "t-bucket-{env}", source_path: a/, target_path: "" }
        """, fileName: "in.yaml")
        let plan = PlanSet(files: PlanText.files([("c.yaml", try #require(output))])).resolve("stg").plan
        #expect(plan?.migrations.first?.recursive == false)
    }

    @Test func mistakesAreReported() {
        let (output, diagnostics) = SeedConverter.convert("""
        a:
          pattern: multi_fold
          source_bucket: "s-{env}"
          target_bucket: "t-{ENV}"
          source_path: a/
          target_path: b/
          lifecycle_policy: immediate_coldlin
          partition_pattern: "x/"
          retention_dayz: 3
        b:
          pattern: single_folder
          source_bucket: "s-{env}"
          source_path: a/
          target_path: b/
        """, fileName: "in.yaml")
        #expect(output == nil)
        #expect(diagnostics.map(\.position) == ["2:12", "4:18", "7:21", "9:3", "10:1"])
        #expect(diagnostics[0].hint == "did you mean `multi_folder`?")
        #expect(diagnostics[1].message.contains("unknown placeholder `{ENV}`"))
        #expect(diagnostics[2].hint == "did you mean `immediate_coldline`?")
        #expect(diagnostics[3].hint == "did you mean `retention_days`?")
        #expect(diagnostics[4].message == "`b` is missing the required key `target_bucket`")
    }

    @Test func conflictingLifecyclesOnOneBucket() {
        let (_, diagnostics) = SeedConverter.convert("""
        a: { pattern: single_folder, source_bucket: "s-{env}", target_bucket: "t-bucket-{env}", source_path: a/, target_path: a/, lifecycle_policy: immediate_coldline }
        b: { pattern: single_folder, source_bucket: "s-{env}", target_bucket: "t-bucket-{env}", source_path: b/, target_path: b/, lifecycle_policy: standard_with_archiving }
        """, fileName: "in.yaml")
        #expect(diagnostics.errors.count == 1)
        #expect(diagnostics.first?.message.contains("another use case gives bucket") == true)
    }

    @Test func outputThatDoesNotValidateIsReported() throws {
        let (output, diagnostics) = SeedConverter.convert("""
        a: { pattern: single_folder, source_bucket: "s-{env}", target_bucket: "t-bucket-{env}", source_path: a/, target_path: "" }
        b: { pattern: single_folder, source_bucket: "s-{env}", target_bucket: "t-bucket-{env}", source_path: b/, target_path: x/ }
        """, fileName: "in.yaml")
        #expect(output != nil)
        // Once per environment, since the bucket names differ.
        #expect(diagnostics.errors.count == 3)
        #expect(diagnostics.allSatisfy { $0.message.hasPrefix("in the converted plan: the targets of `a` and `b` overlap") })
        #expect(diagnostics.containing("gs://t-bucket-prod/x/").count == 1)
        #expect(diagnostics.first?.location?.file == "in.yaml (converted)")
    }

    @Test(arguments: ["", "- a\n", "just text\n", "a: [\n"])
    func notAConfigFile(_ text: String) {
        let (output, diagnostics) = SeedConverter.convert(text, fileName: "in.yaml")
        #expect(output == nil)
        #expect(diagnostics.errors.count == 1)
    }
}
