import DecantCore
@testable import DecantPlanFile
import Foundation
import TestSupport
import Testing

/// Plans spread over files on disk: merging, duplicates across files, the digest.
@Suite struct PlanDirectoryTests {
    static let base = """
    decant: 1
    environments:
      dev: { project: p }
    storage: { provider: local, root: store }
    """

    @Test func mapsMergeAcrossFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/decant.yaml", Self.base)
        try dir.write("plans/buckets.yml", "buckets:\n  a: {}\n  b: {}\n")
        try dir.write("plans/m1.yaml", "migrations:\n  one: { source: src/one/, target: a/ }\n")
        try dir.write("plans/m2.yaml", "environments:\n  stg: { project: q }\nmigrations:\n  two: { source: src/two/, target: b/ }\n")
        try dir.write("plans/notes.txt", "not a plan")
        try dir.write("plans/.hidden.yaml", "garbage: [")
        let (plan, diagnostics) = PlanSet.read(directory: dir.path + "/plans").resolve("stg")
        let p = try #require(plan, "\(diagnostics)")
        #expect(diagnostics.isEmpty)
        #expect(p.buckets.map(\.name) == ["a-bucket-stg", "b-bucket-stg"])
        #expect(p.migrations.map(\.key) == ["one", "two"])
        #expect(p.migrations.first?.origin?.file == dir.path + "/plans/m1.yaml")
        let (environments, _) = PlanSet.read(directory: dir.path + "/plans").validate(environment: nil)
        #expect(environments == ["dev", "stg"])
    }

    @Test func aKeyDefinedInTwoFilesNamesBoth() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/a.yaml", Self.base + "\nbuckets:\n  archive: {}\n")
        try dir.write("plans/b.yaml", "storage: { provider: gcs }\nbuckets:\n  other: {}\n  archive: { location: eu }\n")
        let (plan, diagnostics) = PlanSet.read(directory: dir.path + "/plans").resolve("dev")
        #expect(plan == nil)
        let a = dir.path + "/plans/a.yaml", b = dir.path + "/plans/b.yaml"
        #expect(diagnostics.map(\.description) == [
            "\(b):1:1: error: `storage` is defined twice (first at \(a):4:1); give `storage` in one file only",
            "\(b):4:3: error: `buckets.archive` is defined twice (first at \(a):6:3); rename one of them or remove the duplicate",
        ])
    }

    @Test func subfoldersAreNotReadButWarnedAbout() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/decant.yaml", Self.base)
        try dir.write("plans/old/buckets.yaml", "buckets: { x: {} }\n")
        let (plan, diagnostics) = PlanSet.read(directory: dir.path + "/plans").resolve("dev")
        #expect(plan?.buckets.isEmpty == true)
        #expect(diagnostics.map(\.severity) == [.warning])
        #expect(diagnostics.first?.location?.file == dir.path + "/plans/old/buckets.yaml")
    }

    @Test func missingAndEmptyDirectories() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let missing = PlanSet.read(directory: dir.path + "/nope").resolve("dev")
        #expect(missing.plan == nil)
        #expect(missing.diagnostics.first?.message.contains("does not exist") == true)
        try FileManager.default.createDirectory(atPath: dir.path + "/empty", withIntermediateDirectories: true)
        let empty = PlanSet.read(directory: dir.path + "/empty").validate(environment: nil)
        #expect(empty.environments.isEmpty)
        #expect(empty.diagnostics.map(\.message) == ["no plan files (`*.yaml`, `*.yml`) in `\(dir.path)/empty`"])
    }

    @Test func emptyFilesAreAllowed() throws {
        let (plan, diagnostics) = PlanText.load(files: [("a.yaml", Self.base), ("b.yaml", ""), ("c.yaml", "# nothing yet\n")])
        #expect(plan != nil)
        #expect(diagnostics.isEmpty)
    }

    @Test func digestCoversPathsAndBytesInOrder() {
        let one = PlanText.files([("a.yaml", "x"), ("b.yaml", "y")])
        let reordered = PlanText.files([("b.yaml", "y"), ("a.yaml", "x")])
        let renamed = PlanText.files([("a.yaml", "x"), ("c.yaml", "y")])
        let moved = PlanText.files([("a.yaml", "xy"), ("b.yaml", "")])
        #expect(PlanSourceFile.digest(one) == PlanSourceFile.digest(reordered))
        #expect(PlanSourceFile.digest(one) != PlanSourceFile.digest(renamed))
        #expect(PlanSourceFile.digest(one) != PlanSourceFile.digest(moved))
        #expect(PlanSourceFile.digest(one).count == 64)
        let plan = PlanText.load(Self.base).plan
        #expect(plan?.inputDigest == PlanSourceFile.digest(PlanText.files([("plan.yaml", Self.base)])))
    }

    @Test func hugeDocumentStaysFast() throws {
        var text = Self.base + "\nbuckets:\n  t: {}\nmigrations:\n"
        let count = 20_000
        text.reserveCapacity(count * 80)
        for i in 0..<count {
            text += "  m\(i): { source: \"src/f\(i)/\", target: \"t/f\(i)/\", phase: \(i % 5 + 1) }\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let (plan, diagnostics) = PlanText.load(text)
        let elapsed = clock.now - start
        #expect(diagnostics.isEmpty)
        #expect(plan?.migrations.count == count)
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }
}
