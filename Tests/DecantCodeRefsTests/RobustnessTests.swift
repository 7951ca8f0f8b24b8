import DecantCodeRefs
import DecantCore
import Foundation
import Testing

/// Code in the middle of an edit, or not code at all, must never trap the
/// scanner or the rewriter: every fixture file cut at many points, and byte soup.
@Suite struct RobustnessTests {
    @Test func truncatedFilesAndByteSoup() async throws {
        let fixture = try FixtureRepo()
        defer { fixture.remove() }
        let sources = try FileManager.default.subpathsOfDirectory(atPath: fixture.root)
            .filter { [".py", ".sql", ".yaml", ".sh", ".md", ".json"].contains(where: $0.hasSuffix) }
        var files: [String: String] = [:]
        for path in sources {
            let bytes = Array(try fixture.read(path).utf8)
            for cut in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 40)) {
                let name = path.replacingOccurrences(of: "/", with: "_")
                files["cut/\(cut)_\(name)"] = String(decoding: bytes[0..<cut], as: UTF8.self)
            }
        }
        var generator = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["DECANT_SOUP_SEED"] ?? "") ?? 20261124)
        let tokens = ["{", "}", "(", ")", "[", "]", "\"", "'", "`", "$", "#", "/", "\\", ":", "=", ",", ".", "-", " ", "\n", "\t",
                      "  ", "gs://", "data-bucket-dev", "data-bucket-", "data-bucket-stg", "DATA_GCS_BUCKET_NAME", "f\"", "{{", "}}",
                      "historization/", "tracking/", "dms_export/", "x", "bucket=", "prefix=", "source_objects=", "from a import ",
                      "gsutil cp ", "EXPORT DATA", "B = ", "B", ".format(", ".blob(", "client.bucket(", "- ", "key: ", "\"\"\"", "--"]
        for i in 0..<400 {
            let soup = (0..<120).map { _ in tokens[Int.random(in: 0..<tokens.count, using: &generator)] }.joined()
            files["soup/\(i).\(["py", "sql", "yaml", "sh", "md", "json"][i % 6])"] = soup
        }
        let repo = try SnippetRepo(files)
        defer { repo.remove() }
        let scan = try await repo.scan()
        #expect(scan.filesScanned == files.count)
        for r in scan.references + scan.unresolved + scan.otherEnvironments {
            #expect(r.line >= 1 && r.column >= 1)
        }
        _ = try await CodeRewriter.plan(scan, plan: SnippetRepo.plan(), root: repo.root)
    }

    /// Found by the soup: a statement end searched past the end of the file.
    @Test func aFileEndingInsideAGroupOnABackslash() async throws {
        let repo = try SnippetRepo([
            "a.py": "B = DATA_GCS_BUCKET_NAME\nx = f(\n  B, \"historization/x/\",\n  " + "\\",
            "b.sh": "U=\"gs://data-bucket-${ENV}/historization/x/\" " + "\\",
        ])
        defer { repo.remove() }
        let scan = try await repo.scan()
        #expect(scan.references.map(\.path) == ["a.py", "b.sh"])
    }

    @Test func manyReferencesOnOneMinifiedLine() async throws {
        let items = (0..<3000).map { #"{"uri":"gs://data-bucket-dev/historization/x/\#($0).json","é":1}"# }
        let repo = try SnippetRepo(["big.json": "[" + items.joined(separator: ",") + "]"])
        defer { repo.remove() }
        let scan = try await repo.scan()
        #expect(scan.references.count == 3000)
        // Columns count characters ("é" is one).
        #expect(scan.references.prefix(3).map(\.column) == [15, 75, 135])
        #expect(scan.references[0].excerpt.hasSuffix("…") && scan.references[0].excerpt.count < 210)
    }
}

/// A small deterministic generator, so a failing soup can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
