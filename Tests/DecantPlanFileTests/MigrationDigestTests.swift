import DecantCore
@testable import DecantPlanFile
import Foundation
import Testing

/// `Migration.inputsDigest`: what promotion compares between environments. The
/// definition as written, so one migration has one digest in every environment
/// whatever the layout, and any edit of it gives another.
@Suite struct MigrationDigestTests {
    static func digest(_ migration: String, environment: String = "stg") throws -> String {
        let text = """
        decant: 1
        environments: { stg: {}, prod: {} }
        storage: { provider: local, root: store }
        buckets:
          archive: {}
        migrations:
        \(migration)
        """
        let file = PlanSourceFile(path: "p.yaml", relativePath: "p.yaml", bytes: Array(text.utf8))
        let (plan, diagnostics) = PlanSet(files: [file]).resolve(environment)
        #expect(!diagnostics.hasErrors, "\(diagnostics)")
        return try #require(plan?.migrations.first?.inputsDigest)
    }

    static let flow = #"  m: { source: "data-${env}/h/", target: "archive/", verify: checksum, include: ["*.parquet"] }"#

    @Test func oneDefinitionHasOneDigestInEveryEnvironmentAndLayout() throws {
        let block = """
          m:
            # the same, written as a block, keys in another order
            include:
              - "*.parquet"
            target: archive/
            verify: checksum
            source: data-${env}/h/
        """
        let stg = try Self.digest(Self.flow)
        #expect(stg.count == 64)
        #expect(try Self.digest(Self.flow, environment: "prod") == stg)
        #expect(try Self.digest(block) == stg)
    }

    @Test(arguments: [
        #"  m: { source: "data-${env}/h/", target: "archive/", verify: size, include: ["*.parquet"] }"#,
        #"  m: { source: "data-${env}/h/", target: "archive/", verify: checksum, include: ["*.parquet", "*.csv"] }"#,
        #"  m: { source: "data-${env}/h/", target: "archive/", verify: checksum, include: ["*.parquet"], description: x }"#,
        #"  m: { source: "data-${env}/h/", target: "archive/", verify: checksum, include: ["*.parquet"], phase: 2 }"#,
    ])
    func anyEditIsAnotherDefinition(edited: String) throws {
        #expect(try Self.digest(edited) != Self.digest(Self.flow))
    }

    @Test func aQuotedScalarIsNotThePlainOne() throws {
        let plain = try Self.digest(#"  m: { source: "data-${env}/h/", target: "archive/", rewrite_code: true }"#)
        let quoted = try Self.digest(#"  m: { source: "data-${env}/h/", target: "archive/", description: "true" }"#)
        let quotedTrue = YAMLNode(.scalar("true", .doubleQuoted), at: SourceLocation(file: "f", line: 1, column: 1)).canonicalText
        let plainTrue = YAMLNode(.scalar("true", .plain), at: SourceLocation(file: "f", line: 1, column: 1)).canonicalText
        #expect(quotedTrue != plainTrue)
        #expect(plain != quoted)
    }
}
