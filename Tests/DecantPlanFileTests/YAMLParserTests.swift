import DecantCore
@testable import DecantPlanFile
import Foundation
import Testing

@Suite struct YAMLParserTests {
    func parse(_ text: String) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
        YAMLParser.parse(Array(text.utf8), file: "t.yaml")
    }

    func parse(bytes: [UInt8]) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
        YAMLParser.parse(bytes, file: "t.yaml")
    }

    @Test func positionsAndStylesAreKept() throws {
        let (root, diagnostics) = parse("""
        a: plain
        b: "double"
        c: 'single'
        list:
          - 1
          - { x: y }
        """)
        #expect(diagnostics.isEmpty)
        let pairs = try #require(root?.pairs)
        #expect(pairs.map { $0.key.scalar } == ["a", "b", "c", "list"])
        #expect(pairs[0].value.content == .scalar("plain", .plain))
        #expect(pairs[1].value.content == .scalar("double", .doubleQuoted))
        #expect(pairs[2].value.content == .scalar("single", .singleQuoted))
        #expect(pairs[1].value.location == SourceLocation(file: "t.yaml", line: 2, column: 4))
        let items = try #require(pairs[3].value.items)
        #expect(items[1].location.line == 6 && items[1].location.column == 5)
        #expect(items[1].pairs?.first?.value.location == SourceLocation(file: "t.yaml", line: 6, column: 10))
    }

    @Test func anchorsAndAliasesAreResolvedAtTheAliasPosition() throws {
        let (root, diagnostics) = parse("""
        base: &b { location: eu, labels: { a: b } }
        copy: *b
        """)
        #expect(diagnostics.isEmpty)
        let pairs = try #require(root?.pairs)
        #expect(pairs[1].value.pairs?.map { $0.key.scalar } == ["location", "labels"])
        #expect(pairs[1].value.location.line == 2 && pairs[1].value.location.column == 7)
    }

    @Test func mergeKeysAddMissingKeysOnly() throws {
        let (root, diagnostics) = parse("""
        defaults: &d { location: eu, versioning: false }
        bucket:
          <<: *d
          versioning: true
        """)
        #expect(diagnostics.isEmpty)
        let bucket = try #require(root?.pairs?[1].value.pairs)
        #expect(bucket.map { $0.key.scalar } == ["versioning", "location"])
        #expect(bucket[0].value.scalar == "true")
    }

    @Test func mergeKeyNeedsAMapping() {
        let (_, diagnostics) = parse("a: &a x\nb:\n  <<: *a\n  c: 1\n")
        #expect(diagnostics.map(\.position) == ["3:7"])
        #expect(diagnostics.first?.message.contains("a merge key `<<` takes a mapping or a list of mappings") == true)
    }

    @Test func unknownAliasIsAnError() {
        let (_, diagnostics) = parse("a: *nope\n")
        #expect(diagnostics.map(\.position) == ["1:4"])
        #expect(diagnostics.first?.message.contains("unknown alias `*nope`") == true)
    }

    @Test func aliasBombIsRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            let refs = Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ")
            text += "a\(i): &a\(i) [\(refs)]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let (root, diagnostics) = parse(text)
        #expect(root == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("alias bomb") == true)
        #expect(clock.now - start < .seconds(5))
    }

    @Test func duplicateKeysNameBothPositions() {
        let (_, diagnostics) = parse("""
        buckets:
          a: {}
          b: {}
          a: {}
        """)
        #expect(diagnostics.map(\.position) == ["4:3"])
        #expect(diagnostics.first?.message == "key `a` is defined twice in this mapping (first at t.yaml:2:3)")
    }

    @Test func deepNestingIsRefused() {
        let (root, diagnostics) = parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500))
        #expect(root == nil)
        #expect(diagnostics.map(\.position) == ["1:101"])
        #expect(diagnostics.first?.message.contains("more than 100 levels") == true)
    }

    @Test func nestingUpToTheLimitIsFine() {
        let (root, diagnostics) = parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
        #expect(diagnostics.isEmpty)
        #expect(root != nil)
    }

    @Test func truncatedFlowMappingReportsTheEnd() {
        let (root, diagnostics) = parse("buckets:\n  a: { name: x, location: eu\n")
        #expect(root == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.hasPrefix("YAML syntax error:") == true)
        #expect(diagnostics.first?.location?.line == 3)
        #expect(diagnostics.first?.hint?.contains("truncated") == true, "\(diagnostics)")
    }

    @Test func unclosedQuoteNamesWhereItStarted() {
        let (_, diagnostics) = parse("a: 1\nb: \"never closed\nc: 2\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("quoted scalar at 2:4") == true)
    }

    @Test func tabIndentationGetsAHint() {
        let (root, diagnostics) = parse("buckets:\n\tarchive: {}\n")
        #expect(root == nil)
        #expect(diagnostics.map(\.position) == ["2:1"])
        #expect(diagnostics.first?.hint?.contains("tabs") == true)
    }

    @Test func invalidUTF8IsReportedAtTheByte() {
        var bytes = Array("decant: 1\nname: caf".utf8)
        bytes += [0xE9, 0x0A]
        let (root, diagnostics) = parse(bytes: bytes)
        #expect(root == nil)
        #expect(diagnostics.map(\.position) == ["2:10"])
        #expect(diagnostics.first?.message.contains("not valid UTF-8 (byte 0xE9)") == true)
    }

    @Test func controlCharactersAreASyntaxError() {
        let (root, diagnostics) = parse(bytes: Array("a: b\u{01}c\n".utf8))
        #expect(root == nil)
        #expect(diagnostics.count == 1)
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n", "---\n"])
    func emptyDocumentsHaveNoRoot(_ text: String) {
        let (root, diagnostics) = parse(text)
        #expect(diagnostics.isEmpty)
        #expect(root == nil || root?.isNull == true)
    }

    @Test func aSecondDocumentIsRefused() {
        let (_, diagnostics) = parse("a: 1\n---\nb: 2\n")
        #expect(diagnostics.map(\.position) == ["2:1"])
    }

    @Test func nonScalarKeysAreErrors() {
        let (_, diagnostics) = parse("? [a, b]\n: c\n")
        #expect(diagnostics.first?.message.contains("must be a scalar") == true)
    }

    @Test func fiftyThousandEntriesParse() throws {
        var text = "migrations:\n"
        for i in 0..<50_000 { text += "  m\(i): { source: \"src/f\(i)/\", target: \"t/f\(i)/\" }\n" }
        let (root, diagnostics) = parse(text)
        #expect(diagnostics.isEmpty)
        let entries = try #require(root?.pairs?.first?.value.pairs)
        #expect(entries.count == 50_000)
        #expect(entries.last?.key.location.line == 50_001)
    }

    @Test func tenMegabyteScalarParses() throws {
        let big = String(repeating: "x", count: 10 << 20)
        let (root, diagnostics) = parse("description: \(big)\n")
        #expect(diagnostics.isEmpty)
        #expect(root?.pairs?.first?.value.scalar?.utf8.count == 10 << 20)
    }
}
