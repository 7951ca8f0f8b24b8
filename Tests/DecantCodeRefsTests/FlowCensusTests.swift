import DecantCodeRefs
import DecantCore
import Foundation
import Testing

/// How much of what a careful engineer lists for the fixture's jobs that pass the
/// bucket around (`FlowFixture`) the scan finds, and how much the rewrite handles.
/// Prints the census (the numbers of the issue 2/8 report) and expects all of it.
@Suite struct FlowCensusTests {
    @Test func theScanFindsWhatAnEngineerLists() async throws {
        let repo = try FixtureRepo()
        defer { repo.remove() }
        let plan = FixtureRepo.plan()
        let scan = try await repo.scan(plan)
        let rewrite = try await CodeRewriter.plan(scan, plan: plan, root: repo.root)
        let files = Set(FlowFixture.files)
        let actual = scan.references.filter { files.contains($0.path) }
        let others = scan.otherEnvironments.filter { files.contains($0.path) }
        let unplaced = scan.unresolved.filter { files.contains($0.path) }
        let expected = FlowFixture.all.map(\.description)
        let found = Set(actual.map(FlowFixture.row))
        let hits = expected.filter(found.contains)
        // Found at the right line for the right migration, whatever the direction or path text.
        let places = Set(actual.map { "\($0.path):\($0.line) \($0.migration ?? "-")" })
        let placed = FlowFixture.all.filter { places.contains("\($0.path):\($0.line) \($0.migration ?? "-")") }
        let extra = actual.map(FlowFixture.row).filter { !expected.contains($0) }
        let rewriting = Set(plan.migrations.filter(\.rewriteCode).map(\.key))
        let unrewritable = Set(rewrite.unrewritable.map { "\($0.path):\($0.line) \($0.migration ?? "-")" })
        let rewritten = actual.filter { r in
            r.migration.map(rewriting.contains) == true && !unrewritable.contains("\(r.path):\(r.line) \(r.migration ?? "-")")
        }
        let otherExpected = FlowFixture.otherEnvironments.map(\.description)
        let otherFound = otherExpected.filter(Set(others.map(FlowFixture.row)).contains)
        print("""
            flow census: expected \(expected.count) references; found exactly \(hits.count), \
            at the right line and migration \(placed.count); unplaced \(unplaced.count); \
            not expected \(extra.count); rewritten \(rewritten.count) \
            (in \(Set(rewrite.edits.map(\.path)).intersection(files).count) files); \
            other environments \(otherFound.count) of \(otherExpected.count)
            """)
        #expect(hits == expected, "missing: \(expected.filter { !found.contains($0) })")
        #expect(extra.isEmpty, "not expected: \(extra)")
        #expect(otherFound == otherExpected, "found: \(others.map(FlowFixture.row))")
    }
}
