import DecantCore
import Testing

@Suite struct GlobTests {
    @Test(arguments: [
        ("*.parquet", "a.parquet", true),
        ("*.parquet", "x/a.parquet", false),
        ("**/*.parquet", "a.parquet", true),
        ("**/*.parquet", "x/y/a.parquet", true),
        ("**", "x/y/z", true),
        ("dms_*.parquet", "dms_jeunes_2025.parquet", true),
        ("dms_*.parquet", "unsorted_dms_x.json", false),
        ("qpi_answers_????????/*.jsonl", "qpi_answers_20250101/part.jsonl", true),
        ("qpi_answers_????????/*.jsonl", "qpi_answers_2025010/part.jsonl", false),
        ("*.{csv,avro}", "epci.avro", true),
        ("*.{csv,avro}", "epci.parquet", false),
        ("[a-c]*", "bob", true),
        ("[!a-c]*", "bob", false),
        ("a\\*b", "a*b", true),
        ("a\\*b", "axb", false),
        ("tracking/**", "tracking/t/p.parquet", true),
        ("tracking/**", "int_firebase/t/p.parquet", false),
    ])
    func matching(pattern: String, name: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(name) == expected)
    }

    @Test func rejectsBrokenPatterns() {
        #expect(throws: Glob.Problem.unclosedBracket) { try Glob("[abc") }
        #expect(throws: Glob.Problem.unclosedBrace) { try Glob("{a,b") }
        #expect(throws: Glob.Problem.danglingEscape) { try Glob("abc\\") }
        #expect(throws: Glob.Problem.emptyPattern) { try Glob("") }
    }

    @Test func literalPrefixNarrowsListing() throws {
        #expect(try Glob("historization/tracking/*.parquet").literalPrefix == "historization/tracking/")
        #expect(try Glob("{a,b}/x").literalPrefix == "")
    }

    @Test func pathologicalPatternIsFast() throws {
        let glob = try Glob("*a*a*a*a*a*a*a*a*b")
        #expect(!glob.matches(String(repeating: "a", count: 500)))
    }
}
