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

    /// Following values must end: import cycles, names assigned from themselves,
    /// recursive functions, deeply nested expressions.
    @Test func cyclesRecursionAndDeepNestingEnd() async throws {
        let deep = String(repeating: "(", count: 400) + "\"x\"" + String(repeating: ")", count: 400)
        let repo = try SnippetRepo([
            "a.py": "from b import Y\nX = Y + \"/historization/x\"\ndf.to_csv(X)\n",
            "b.py": "from a import X\nY = X\n",
            "c.py": "P = f\"gs://{DATA_GCS_BUCKET_NAME}/historization\"\nP = P + \"/x\"\ndf.to_csv(P)\n",
            "d.py": "def f(b):\n    return f(b)\n\ndef g(b):\n    df.to_csv(f\"gs://{b}/historization/y\")\n    g(b)\n\ng(DATA_GCS_BUCKET_NAME)\n",
            "e.py": "Z = " + deep + "\nW = f\"gs://{DATA_GCS_BUCKET_NAME}/historization/\" + Z\nread(W)\n",
        ])
        defer { repo.remove() }
        let scan = try await repo.scan()
        let found = scan.references.map { "\($0.location) \($0.objectPath)" }
        // The cycle a ⇄ b names no bucket: nothing.
        #expect(!found.contains { $0.hasPrefix("a.py") || $0.hasPrefix("b.py") })
        // A parameter its own caller passes on: what the outside caller gives.
        #expect(found.contains("d.py:5 historization/y"))
        // Module-level code runs in order: `P = P + "/x"` extends the previous P.
        #expect(found.contains("c.py:1 historization") && found.contains("c.py:3 historization/x"))
        #expect(found.contains { $0.hasPrefix("e.py:2") })
        _ = try await CodeRewriter.plan(scan, plan: SnippetRepo.plan(), root: repo.root)
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
