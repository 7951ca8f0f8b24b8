@testable import DecantCLI
import Foundation
import TestSupport
import Testing

/// `decant validate` and `decant convert` end to end, through `DecantCLI.main`.
@Suite struct PlanCommandsTests {
    static let valid = """
    decant: 1
    environments:
      dev: {}
      stg: {}
    storage: { provider: local, root: store }
    buckets:
      archive: {}
    migrations:
      historization: { source: "data-bucket-${env}/historization/", target: "archive/" }
    """

    @Test func validPlansPrintASummary() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("my-plans/plan.yaml", Self.valid)
        let console = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["validate", "--plans", "my-plans"], console: console) == 0)
        #expect(console.stdout == "my-plans/ is valid for dev, stg: 1 bucket, 1 migration\n")
        #expect(console.stderr.isEmpty)

        let one = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["validate", "--plans", dir.path + "/my-plans", "--env", "stg"], console: one) == 0)
        #expect(one.stdout.hasSuffix("is valid for stg: 1 bucket, 1 migration\n"))
    }

    @Test func chdirAndTheDefaultDirectory() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("repo/plans/plan.yaml", Self.valid)
        let console = CapturingConsole(workingDirectory: "/")
        #expect(await DecantCLI.main(["--chdir", dir.path + "/repo", "validate"], console: console) == 0)
        #expect(console.stdout.hasPrefix("plans/ is valid for dev, stg"))
    }

    @Test func invalidPlansPrintEveryDiagnosticRelativeToTheDirectory() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/plan.yaml", Self.valid.replacingOccurrences(of: "archive: {}", with: "archive: { versioning: yes }")
            .replacingOccurrences(of: "target: \"archive/\"", with: "target: \"archve/\""))
        let console = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["validate"], console: console) == 1)
        #expect(console.stdout.isEmpty)
        let lines = console.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("plans/plan.yaml:7:26: error: `buckets.archive.versioning` must be `true` or `false`, got `yes`"))
        #expect(lines[1] == "plans/plan.yaml:9:73: error: `migrations.historization.target`: unknown bucket key `archve`; did you mean `archive`?")
        #expect(lines[2] == "plans is not valid: 2 errors")
    }

    @Test func aBrokenBucketIsReportedOnceNotAgainByItsMigrations() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/plan.yaml", Self.valid.replacingOccurrences(of: "archive: {}", with: "archive: { name: NO }"))
        let console = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["validate", "--env", "dev"], console: console) == 1)
        #expect(console.stderr.split(separator: "\n").count == 2)
        #expect(console.stderr.hasPrefix("plans/plan.yaml:7:20: error: bucket `archive`: `NO` is not a valid GCS bucket name in environment `dev`"))
    }

    @Test func unknownEnvironmentAndMissingDirectory() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/plan.yaml", Self.valid)
        let env = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["validate", "--env", "prod"], console: env) == 1)
        #expect(env.stderr.contains("unknown environment `prod`; the plan declares `dev`, `stg`"))
        let missing = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["validate", "--plans", "nope"], console: missing) == 1)
        #expect(missing.stderr.contains("error: the plan directory `\(dir.path)/nope` does not exist"))
    }

    @Test func warningsDoNotFail() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/plan.yaml", Self.valid.replacingOccurrences(of: "storage: { provider: local, root: store }\n", with: ""))
        let console = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["validate"], console: console) == 0)
        #expect(console.stderr.hasPrefix("plans/plan.yaml:1:1: warning: no `storage:` given"))
        #expect(console.stdout.hasPrefix("plans/ is valid"))
    }

    @Test func theRepositoryPlansAreValid() async {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let console = CapturingConsole(workingDirectory: root.path)
        #expect(await DecantCLI.main(["validate"], console: console) == 0)
        #expect(console.stdout == "plans/ is valid for dev, stg, prod: 10 buckets, 12 migrations\n")
    }

    @Test func convertPrintsOrWritesAValidPlan() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("migration_configs.yaml", """
        dms_export:
          pattern: "file_pattern"
          source_bucket: "data-bucket-{env}"
          target_bucket: "dms-staging-bucket-{env}"
          source_path: "dms_export/"
          target_path: "staging/"
          file_patterns: ["dms_*.parquet"]
        """)
        let printed = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["convert", "migration_configs.yaml"], console: printed) == 0)
        #expect(printed.stdout.contains("  dms_export:\n"))
        #expect(printed.stderr.isEmpty)

        let written = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["convert", "migration_configs.yaml", "--out", "plans/converted.yaml"], console: written) == 1)
        #expect(written.stderr == "error: cannot write plans/converted.yaml: the folder plans does not exist (create it first)\n")
        try FileManager.default.createDirectory(atPath: dir.path + "/plans", withIntermediateDirectories: true)
        let again = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["convert", "migration_configs.yaml", "--out", "plans/converted.yaml"], console: again) == 0)
        #expect(again.stdout.isEmpty)
        #expect(try String(contentsOfFile: dir.path + "/plans/converted.yaml", encoding: .utf8) == printed.stdout)

        let validate = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["validate"], console: validate) == 0)
        #expect(validate.stdout == "plans/ is valid for dev, stg, prod: 1 bucket, 1 migration\n")
    }

    @Test func convertReportsMistakes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("bad.yaml", "x:\n  pattern: sideways\n")
        let console = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["convert", "bad.yaml"], console: console) == 1)
        #expect(console.stdout.isEmpty)
        #expect(console.stderr.contains("bad.yaml:2:12: error: `x.pattern`: `sideways` is not one of"))
        let missing = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["convert", "nope.yaml"], console: missing) == 1)
        #expect(missing.stderr == "error: cannot read `nope.yaml`\n")
        let usage = CapturingConsole(workingDirectory: dir.path)
        #expect(await DecantCLI.main(["convert"], console: usage) == 1)
    }
}
