import DecantCodeRefs
import DecantCore
import Foundation
import Testing
import TestSupport

/// Symbolic links in the code tree (issue 14.5): a linked file is scanned once, by
/// its real path; a link out of `code.root` is scanned (its references hold
/// deletions) but never rewritten; what is skipped is counted with the reason.
@Suite struct SymlinkTests {
    static let reader = "import pandas as pd\n\nframe = pd.read_csv(\"gs://data-bucket-dev/historization/x/a.csv\")\n"

    /// A code root `code/` and, beside it, a folder `shared/` outside the root.
    struct Tree {
        let directory: TemporaryDirectory
        var root: String { directory.path + "/code" }
        var outside: String { directory.path + "/shared" }

        init(_ files: [String: String]) throws {
            directory = try TemporaryDirectory("decant-links")
            for (path, text) in files { try directory.write(path, text) }
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        }

        func link(_ path: String, to target: String) throws {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
        }

        func scan() async throws -> CodeScan {
            try await CodeScanner.scan(CodeScanOptions(root: root, sourceRefs: FixtureRepo.sourceRefs, environment: "dev"),
                                       migrations: SnippetRepo.plan().migrations)
        }
    }

    @Test func aLinkToAFileInsideTheRootIsScannedOnceByItsRealPath() async throws {
        let tree = try Tree(["code/jobs/archive/read.py": Self.reader])
        defer { tree.directory.remove() }
        try tree.link("dags/read.py", to: "../jobs/archive/read.py")
        let scan = try await tree.scan()
        #expect(scan.references.map(\.location) == ["jobs/archive/read.py:3"])
        #expect(scan.filesScanned == 1)
        #expect(scan.skipped == [SkippedFile(path: "dags/read.py", reason: .linkInsideRoot(realPath: "jobs/archive/read.py"))])
    }

    @Test func aLinkOutOfTheRootIsScannedHoldsDeletionAndIsNeverRewritten() async throws {
        let tree = try Tree(["shared/read.py": Self.reader, "shared/lib/write.py": "df.to_csv(\"gs://data-bucket-dev/dms_export/b.csv\")\n"])
        defer { tree.directory.remove() }
        try tree.link("dags/read.py", to: tree.outside + "/read.py")
        try tree.link("vendor", to: tree.outside + "/lib")
        let scan = try await tree.scan()
        #expect(scan.references.map(\.location) == ["dags/read.py:3", "vendor/write.py:1"])
        #expect(scan.referencedMigrations() == ["dms_export", "historization"])
        #expect(scan.outsideRoot == [LinkedFile(path: "dags/read.py", target: tree.outside + "/read.py"),
                                     LinkedFile(path: "vendor/write.py", target: tree.outside + "/lib/write.py")])
        #expect(scan.filesScanned == 2)

        let rewrite = try await CodeRewriter.plan(scan, plan: SnippetRepo.plan(), root: tree.root)
        #expect(rewrite.edits.isEmpty)
        #expect(rewrite.unrewritable.map(\.location) == ["dags/read.py:3", "vendor/write.py:1"])
        #expect(rewrite.unrewritable.allSatisfy { $0.unrewritableReason?.contains("outside code.root") == true })
        #expect(try String(contentsOfFile: tree.outside + "/read.py", encoding: .utf8) == Self.reader)
    }

    @Test func brokenLinksAndLoopsAreCountedWithTheReason() async throws {
        let tree = try Tree(["code/jobs/read.py": Self.reader])
        defer { tree.directory.remove() }
        try tree.link("jobs/gone.py", to: "missing.py")
        try tree.link("jobs/loop", to: "..")
        try tree.link("jobs/up", to: tree.directory.path)
        let scan = try await tree.scan()
        #expect(scan.references.map(\.location) == ["jobs/read.py:3"])
        #expect(scan.skipped.map(\.description) == [
            "jobs/gone.py: a broken link (to missing.py)",
            "jobs/loop: a link to a folder inside code.root (its files are scanned where they are)",
            "jobs/up: a link to a folder holding code.root (not followed)",
        ])
    }

    @Test func anEditIsNeverWrittenThroughALink() throws {
        let tree = try Tree(["shared/read.py": Self.reader])
        defer { tree.directory.remove() }
        try tree.link("read.py", to: tree.outside + "/read.py")
        let after = Self.reader.replacingOccurrences(of: "data-bucket-dev", with: "archive-bucket-dev")
        let edit = CodeEdit(path: "read.py", beforeContent: Self.reader, afterContent: after,
                            patch: UnifiedDiff.make(path: "read.py", before: Self.reader, after: after), migrations: ["historization"])
        #expect(throws: CodeRefsError.linkedFile(path: "read.py", target: tree.outside + "/read.py")) {
            try CodeFiles.apply(edit, root: tree.root)
        }
        #expect(try String(contentsOfFile: tree.outside + "/read.py", encoding: .utf8) == Self.reader)
    }
}
