import DecantCodeRefs
import DecantCore
import Foundation
import Testing

@Suite struct CodeFilesTests {
    static func edit(_ path: String, _ before: String, _ after: String) -> CodeEdit {
        CodeEdit(path: path, beforeContent: before, afterContent: after,
                 patch: UnifiedDiff.make(path: path, before: before, after: after), migrations: ["m"])
    }

    @Test func writesAtomicallyAndKeepsTheMode() throws {
        let repo = try SnippetRepo(["bin/run.sh": "gsutil ls gs://data-bucket-dev/x/\n"])
        defer { repo.remove() }
        let path = repo.root + "/bin/run.sh"
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: path)
        try CodeFiles.apply(Self.edit("bin/run.sh", "gsutil ls gs://data-bucket-dev/x/\n", "gsutil ls gs://archive-bucket-dev/x/\n"), root: repo.root)
        #expect(try repo.read("bin/run.sh") == "gsutil ls gs://archive-bucket-dev/x/\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o750)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.root + "/bin") == ["run.sh"])
    }

    @Test func refusesAFileChangedSincePlanning() throws {
        let repo = try SnippetRepo(["a.py": "changed by someone\n"])
        defer { repo.remove() }
        let edit = Self.edit("a.py", "as planned\n", "rewritten\n")
        #expect(throws: CodeRefsError.fileChanged(path: "a.py", expected: edit.beforeHash, actual: Digest.sha256Hex("changed by someone\n"))) {
            try CodeFiles.apply(edit, root: repo.root)
        }
        #expect(try repo.read("a.py") == "changed by someone\n")
        let message = CodeRefsError.fileChanged(path: "a.py", expected: edit.beforeHash, actual: "x").errorDescription ?? ""
        #expect(message.hasPrefix("a.py changed since the plan was made"))
    }

    @Test func applyingTwiceIsHarmless() throws {
        let repo = try SnippetRepo(["a.py": "before\n"])
        defer { repo.remove() }
        let edit = Self.edit("a.py", "before\n", "after\n")
        try CodeFiles.apply(edit, root: repo.root)
        try CodeFiles.apply(edit, root: repo.root)
        #expect(try repo.read("a.py") == "after\n")
        // The reversed edit (rollback) restores the file.
        try CodeFiles.apply(edit.reversed, root: repo.root)
        #expect(try repo.read("a.py") == "before\n")
    }

    @Test(arguments: ["../outside.py", "/etc/passwd", "a/./b.py", "a//b.py", ""])
    func refusesPathsOutsideTheRoot(path: String) throws {
        let repo = try SnippetRepo([:])
        defer { repo.remove() }
        #expect(throws: CodeRefsError.unsafePath(path)) { try CodeFiles.apply(Self.edit(path, "a", "b"), root: repo.root) }
    }

    @Test func aMissingFileIsReported() throws {
        let repo = try SnippetRepo([:])
        defer { repo.remove() }
        #expect(throws: CodeRefsError.fileMissing("gone.py")) { try CodeFiles.apply(Self.edit("gone.py", "a", "b"), root: repo.root) }
    }
}
