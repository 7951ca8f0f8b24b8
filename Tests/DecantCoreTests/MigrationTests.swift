import DecantCore
import Testing

@Suite struct MigrationTests {
    let historization = Migration(
        key: "historization",
        source: BucketPath(bucket: "data-bucket-dev", prefix: "historization/"),
        target: BucketPath(bucket: "archive-bucket-dev", prefix: "archives/"),
        subfolders: [SubfolderRename(from: "tracking/", to: "firebase_tracking/"),
                     SubfolderRename(from: "tracking/old/", to: "legacy/")])

    @Test func mapsThroughLongestRename() {
        #expect(historization.targetName(forSource: "historization/tracking/t/p.parquet") == "archives/firebase_tracking/t/p.parquet")
        #expect(historization.targetName(forSource: "historization/tracking/old/p.parquet") == "archives/legacy/p.parquet")
        #expect(historization.targetName(forSource: "historization/api_reco/p.parquet") == "archives/api_reco/p.parquet")
        #expect(historization.targetName(forSource: "QPI_exports/x") == nil)
    }

    @Test func inverseMapping() {
        for name in ["historization/tracking/t/p.parquet", "historization/tracking/old/p.parquet", "historization/api_reco/x"] {
            let target = historization.targetName(forSource: name)!
            #expect(historization.sourceName(forTarget: target) == name)
        }
    }

    @Test func bucketPaths() {
        #expect(BucketPath(parsing: "gs://data-bucket-dev/historization") == BucketPath(bucket: "data-bucket-dev", prefix: "historization/"))
        #expect(BucketPath(parsing: "archive-bucket-dev") == BucketPath(bucket: "archive-bucket-dev", prefix: ""))
        let root = BucketPath(bucket: "b", prefix: "")
        #expect(root.contains(BucketPath(bucket: "b", prefix: "x/")))
        #expect(!BucketPath(bucket: "b", prefix: "x/").overlaps(BucketPath(bucket: "b", prefix: "xy/")))
    }

    @Test func selection() throws {
        var m = Migration(key: "qpi", source: BucketPath(bucket: "d", prefix: "QPI_exports/"),
                          target: BucketPath(bucket: "q", prefix: "imports/"), fileTypes: ["*.jsonl"],
                          partitions: PartitionSpec(pattern: try PartitionPattern("qpi_answers_{YYYYMMDD}/"), range: .lastDays(30)))
        let today = CalendarDay("2026-11-20")!
        var s = MigrationSelector(m, today: today)
        #expect(s.selects(relative: "qpi_answers_20261115/a.jsonl"))
        #expect(s.exclusion(relative: "qpi_answers_20261115/a.csv") == .fileType)
        #expect(s.exclusion(relative: "qpi_answers_20250101/a.jsonl") == .outsideRange)
        #expect(s.exclusion(relative: "readme.jsonl") == .noPartition)
        m.partitions = nil
        m.recursive = false
        m.include = ["dms_*"]
        m.exclude = ["*.tmp.jsonl"]
        s = MigrationSelector(m, today: today)
        #expect(s.exclusion(relative: "sub/dms_a.jsonl") == .nested)
        #expect(s.exclusion(relative: "other.jsonl") == .notIncluded)
        #expect(s.exclusion(relative: "dms_a.tmp.jsonl") == .excluded)
        #expect(s.selects(relative: "dms_a.jsonl"))
    }

    @Test func durations() {
        #expect(DurationSpec(parsing: "14d")?.seconds == Int64(14 * 86_400))
        #expect(DurationSpec(parsing: "2w")?.seconds == Int64(14 * 86_400))
        #expect(DurationSpec(parsing: "12h")?.seconds == Int64(12 * 3600))
        #expect(DurationSpec(parsing: "14") == nil)
        #expect(DurationSpec(parsing: "-1d") == nil)
    }
}
