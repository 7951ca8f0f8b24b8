import Foundation

/// The code tree of a data platform shaped like seeds 000 and 002 (`Fixtures/platform`),
/// shared by the code-refs tests and the analysis tests: DAGs under `orchestration/`
/// that import their constants from `common.config`, jobs under `jobs/` with config
/// modules of their own, launcher DAGs that pass the bucket to a job script's options.
public enum PlatformFixture {
    /// Copies the tree to `destination` (which must not exist) and renames the stored
    /// `gitignore` files to `.gitignore` (stored without the dot so that they do not
    /// apply to decant's own repository).
    public static func copy(to destination: URL) throws {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { throw Missing() }
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("platform"), to: destination)
        let all = FileManager.default.enumerator(atPath: destination.path)?.allObjects as? [String] ?? []
        for path in all where path == "gitignore" || path.hasSuffix("/gitignore") {
            let url = destination.appendingPathComponent(path)
            try FileManager.default.moveItem(at: url, to: url.deletingLastPathComponent().appendingPathComponent(".gitignore"))
        }
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "the TestSupport bundle holds no Fixtures/platform" }
    }
}
