import DecantCodeRefs
import DecantCore
import Testing

/// `.gitignore` handling, through what the scan reads.
@Suite struct GitIgnoreTests {
    static let reference = "gs://data-bucket-dev/historization/x/a.csv\n"

    func scannedPaths(_ files: [String: String]) async throws -> [String] {
        let repo = try SnippetRepo(files)
        defer { repo.remove() }
        return try await repo.scan().references.map(\.path)
    }

    @Test func globsNegationDirectoriesAndAnchoring() async throws {
        let paths = try await scannedPaths([
            ".gitignore": "# comment\n*.log\n!keep.log\nbuild/\n/top.txt\ndocs/**/draft_*.md\nout\n",
            "a.log": Self.reference, "keep.log": Self.reference, "sub/b.log": Self.reference, "sub/keep.log": Self.reference,
            "build/x.txt": Self.reference, "src/build/y.txt": Self.reference, "build.txt": Self.reference,
            "top.txt": Self.reference, "sub/top.txt": Self.reference,
            "docs/draft_a.md": Self.reference, "docs/v1/draft_b.md": Self.reference, "docs/final.md": Self.reference,
            "out/z.txt": Self.reference, "src/out": Self.reference,
        ])
        #expect(paths == ["build.txt", "docs/final.md", "keep.log", "sub/keep.log", "sub/top.txt"])
    }

    @Test func nestedFilesApplyBelowTheirFolder() async throws {
        let paths = try await scannedPaths([
            ".gitignore": "*.tmp\n",
            "jobs/.gitignore": "/data/\n!important.tmp\n",
            "jobs/data/a.txt": Self.reference, "jobs/sub/data/b.txt": Self.reference, "data/c.txt": Self.reference,
            "jobs/important.tmp": Self.reference, "other/important.tmp": Self.reference, "jobs/x.tmp": Self.reference,
        ])
        #expect(paths == ["data/c.txt", "jobs/important.tmp", "jobs/sub/data/b.txt"])
    }

    @Test func aFileInAnIgnoredFolderStaysIgnored() async throws {
        let paths = try await scannedPaths([
            ".gitignore": "cache/\n!cache/keep.txt\n",
            "cache/keep.txt": Self.reference, "cache/other.txt": Self.reference,
        ])
        #expect(paths.isEmpty)
    }
}
