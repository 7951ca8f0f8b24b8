@testable import DecantCLI
import Foundation
import TestSupport
import Testing

/// `decant analyze` end to end: a bucket filled with `decant store import --now`
/// (old data imported "long ago", a daily pipeline "yesterday"), a small code
/// tree, a plan directory that declares only the environments and the storage.
@Suite struct AnalyzeCommandTests {
    static let plan = """
    decant: 1
    environments:
      dev: { project: data-ehp }
      prod: { project: data-prod }
    storage: { provider: local, root: store }
    state: { backend: local, path: "state/${env}.db" }
    code:
      root: code
      source_refs: ["data-bucket-${env}", "DATA_GCS_BUCKET_NAME", "{DATA_GCS_BUCKET_NAME}"]
    """

    static func run(_ arguments: [String], in dir: TemporaryDirectory) async -> (Int32, CapturingConsole) {
        let console = CapturingConsole(workingDirectory: dir.path)
        let code = await DecantCLI.main(arguments, console: console)
        return (code, console)
    }

    static func workspace() async throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("decant-analyze-cli")
        try dir.write("plans/decant.yaml", plan)
        for i in 0..<3 { try dir.write("old/QPI_historical/qpi_answers_historical_\(i).parquet", "history \(i)") }
        try dir.write("old/base32-encode/base32.js", "function base32() {}")
        for day in ["20261118", "20261119"] { try dir.write("new/QPI_exports/qpi_answers_\(day)/part-0.jsonl", "{}") }
        try dir.write("code/orchestration/dags/jobs/import/import_qpi.py", """
        from common.config import DATA_GCS_BUCKET_NAME
        import_historical = GCSToBigQueryOperator(
            task_id="import_qpi_historical",
            bucket=DATA_GCS_BUCKET_NAME,
            source_objects=["QPI_historical/qpi_answers_historical_*.parquet"],
        )
        import_answers = GCSToBigQueryOperator(
            task_id="import_qpi_answers",
            bucket=DATA_GCS_BUCKET_NAME,
            source_objects=["QPI_exports/qpi_answers_{{ ds_nodash }}/*.jsonl"],
        )

        """)
        try dir.write("code/jobs/deploy_base32.sh", "gsutil cp dist/base32.js \"gs://data-bucket-${ENV}/base32-encode/base32.js\"\n")
        try dir.write("code/jobs/legacy.py", "PATH = \"gs://data-bucket-dev/old_exports/report.csv\"\n")
        for (folder, now) in [("old", "2025-01-01"), ("new", "2026-11-19T08:00:00Z")] {
            let (status, console) = await run(["store", "import", folder, "gs://data-bucket-dev", "--env", "dev", "--create-bucket",
                                               "--now", now], in: dir)
            #expect(status == 0, "\(console.stderr)")
        }
        return dir
    }

    @Test func markdownReportAndAScaffoldThatValidates() async throws {
        let dir = try await Self.workspace()
        defer { dir.remove() }
        let (status, console) = await Self.run(["analyze", "--env", "dev", "--bucket", "data-bucket-dev", "--now", "2026-11-20",
                                                "--scaffold", "scaffold/plan.yaml"], in: dir)
        #expect(status == 0, "\(console.stderr)")
        let report = console.stdout
        #expect(report.contains("| `QPI_exports/` | 2 | 4 B | 2026-11-19 | 2026-11-19 | hot | 0 | 1 | 1 | 3 |"), "\(report)")
        #expect(report.contains("| `QPI_historical/` | 3 | 27 B | 2025-01-01 | 2025-01-01 | cold | 0 | 1 | 1 | 1 |"))
        #expect(report.contains("| `base32-encode/` | 1 | 20 B | 2025-01-01 | 2025-01-01 | cold | 1 | 0 | 0 | 1 |"))
        #expect(report.contains("- **PUSH**: `jobs/deploy_base32.sh`"))
        #expect(report.contains("Code: `code`, 3 files scanned"))
        #expect(report.contains("COLDLINE bills every read"))
        #expect(report.contains("- `old_exports/` (no object in `data-bucket-dev`)\n  - `jobs/legacy.py:1`"))
        #expect(console.stderr.contains("Wrote a plan for 3 use case(s) to scaffold/plan.yaml"))

        let (valid, check) = await Self.run(["validate", "--plans", "scaffold"], in: dir)
        #expect(valid == 0, "\(check.stderr)")
        #expect(check.stdout == "scaffold/ is valid for dev, prod: 3 buckets, 3 migrations\n")
        let scaffold = try String(contentsOfFile: dir.path + "/scaffold/plan.yaml", encoding: .utf8)
        #expect(scaffold.contains("source: \"data-bucket-${env}/QPI_exports/\""))
        #expect(scaffold.contains("dev: { project: data-ehp }"))

        // The scaffold plans, from the same working directory (its store and code paths are the plan's).
        let (planned, plan) = await Self.run(["plan", "--plans", "scaffold", "--env", "dev", "--now", "2026-11-20"], in: dir)
        #expect(planned == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("qpi-exports-bucket-dev"))
    }

    @Test func jsonOutputAndErrors() async throws {
        let dir = try await Self.workspace()
        defer { dir.remove() }
        let (status, console) = await Self.run(["analyze", "--env", "dev", "--bucket", "data-bucket-dev", "--now", "2026-11-20",
                                                "--format", "json", "--hot-days", "0"], in: dir)
        #expect(status == 0, "\(console.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(console.stdout.utf8)) as? [String: Any])
        let folders = try #require(json["folders"] as? [[String: Any]])
        // With --hot-days 0, QPI_exports (last written a day before --now) is warm.
        #expect(folders.first { $0["path"] as? String == "QPI_exports/" }?["temperature"] as? String == "warm")
        #expect((json["missing"] as? [[String: Any]])?.compactMap { $0["path"] as? String } == ["old_exports/"])

        let (missingBucket, err) = await Self.run(["analyze", "--env", "dev", "--bucket", "nope-bucket-dev"], in: dir)
        #expect(missingBucket == 1)
        #expect(err.stderr.contains("bucket nope-bucket-dev does not exist"))
        let (noBucket, err2) = await Self.run(["analyze", "--env", "dev"], in: dir)
        #expect(noBucket == 1)
        #expect(err2.stderr.contains("--bucket is required"))
        let (badDepth, err3) = await Self.run(["analyze", "--env", "dev", "--bucket", "data-bucket-dev", "--depth", "0"], in: dir)
        #expect(badDepth == 1)
        #expect(err3.stderr.contains("--depth takes a whole number ≥ 1"))
    }

    @Test func analyzeIsInTheHelp() async {
        let console = CapturingConsole()
        #expect(await DecantCLI.main(["--help"], console: console) == 0)
        #expect(console.stdout.contains("  analyze "))
        let one = CapturingConsole()
        #expect(await DecantCLI.main(["analyze", "--help"], console: one) == 0)
        #expect(one.stdout.contains("--scaffold FILE"))
    }
}
