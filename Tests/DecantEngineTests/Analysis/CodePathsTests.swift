import DecantCore
@testable import DecantEngine
import Testing

/// Which folders are containers of use cases, and where a reference lands.
@Suite struct CodePathsTests {
    static func ref(_ path: String, _ file: String = "a.py") -> CodeReference {
        CodeReference(path: file, line: 1, column: 1, form: .constant, direction: .read, bucketText: "b", objectPath: path, excerpt: "")
    }

    static func paths(_ objectPaths: [String]) -> CodePaths { CodePaths(objectPaths.map { ref($0) }) }

    @Test(arguments: [
        // The code names a child by name, and never the folder as a whole: split.
        (["export/cloudsql_reco/{ts}/x.parquet"], "export/", ["export/cloudsql_reco/", "export/partners/"], true),
        (["export/cloudsql_reco"], "export/", ["export/cloudsql_reco/"], true),
        // A template right after the folder may reach any child: keep it whole.
        (["historization/{folder}/{table}/", "historization/applicative/x"], "historization/", ["historization/applicative/"], false),
        (["clickhouse_export/{ENV}/export/"], "clickhouse_export/", ["clickhouse_export/dev/"], false),
        (["dms_export/"], "dms_export/", ["dms_export/tmp/"], false),
        (["QPI_exports/qpi_answers_{ds}/"], "QPI_exports/", ["QPI_exports/qpi_answers_20261120/"], false),
        // Only a file directly in it is named: nothing says it holds use cases.
        (["base32-encode/base32.js"], "base32-encode/", ["base32-encode/old/"], false),
        // No subfolder: nothing to split.
        (["seed/table/x.csv"], "seed/", [String](), false),
    ])
    func splits(references: [String], folder: String, children: [String], expected: Bool) {
        #expect(Self.paths(references).splits(folder, children: children) == expected)
    }

    @Test func targets() {
        let folders = ["QPI_exports/", "QPI_historical/", "export/cloudsql/", "historization/", "mapping/"]
        func target(_ path: String) -> CodePaths.Target {
            CodePaths.target(of: Self.paths([path]).named[0], folders: folders, directOnly: ["mapping/"], containers: ["export/", "mapping/"])
        }
        #expect(target("historization/{folder}/x") == .inside("historization/"))
        #expect(target("historization") == .inside("historization/"))
        #expect(target("QPI_*") == .spanning(["QPI_exports/", "QPI_historical/"]))
        #expect(target("export/") == .spanning(["export/cloudsql/"]))
        #expect(target("export/partners/{day}/x") == .missing("export/partners/"))
        #expect(target("link_items/{run}/x") == .missing("link_items/"))
        #expect(target("mapping/m.parquet") == .inside("mapping/"))
        #expect(target("mapping/old/m.parquet") == .missing("mapping/old/"))
        #expect(CodePaths([Self.ref("{folder}/x")]).named.isEmpty)
    }
}
