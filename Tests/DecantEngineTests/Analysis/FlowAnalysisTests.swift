import DecantCodeRefs
import DecantCore
import DecantEngine
import DecantRender
import Foundation
import Testing

/// `decant analyze` on the jobs that pass the bucket around (issue 2/8): for each
/// folder its writers, readers and both with `file:line` evidence and how decant
/// followed the bucket there; launchers; mentions; partitions never split.
@Suite struct FlowAnalysisTests {
    static let snapshots = "jobs/etl_jobs/internal/offer_snapshots/"
    static let docs = "orchestration/dags/jobs/dbt/dbt_docs.py"

    static func evidence(_ f: FolderUsage) -> [String] {
        f.references.map { "\($0.location) \($0.direction) \($0.via?.rawValue ?? "-")" }
    }

    @Test func evidenceAndHowEachReferenceWasResolved() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        // Constants via import (and the definition they come from).
        let snapshots = try #require(analysis.folder("offer_snapshots/"))
        #expect(Self.evidence(snapshots) == [
            "\(Self.snapshots)conf/settings.py:8 write constant",
            "\(Self.snapshots)main.py:19 write imported",
            "\(Self.snapshots)main.py:20 write imported",
            "\(Self.snapshots)utils.py:7 unknown imported",
        ])
        // Local flow: the definition, its use through a variable, a join, a loop that deletes.
        #expect(Self.evidence(try #require(analysis.folder("qualtrics_exports/"))) == [
            "jobs/etl_jobs/external/qualtrics/main.py:13 write constant",
            "jobs/etl_jobs/external/qualtrics/main.py:15 write local",
            "jobs/etl_jobs/external/qualtrics/main.py:22 both local",
        ])
        // A launcher: the script's references, the DAG as the job's launcher.
        let rows = try #require(analysis.folder("rows/"))
        #expect(Self.evidence(rows) == ["jobs/etl_jobs/internal/export_rows/main.py:9 write launcher"])
        #expect(rows.launchers == ["orchestration/dags/jobs/export/export_rows.py"])
        #expect(rows.writers == ["jobs/etl_jobs/internal/export_rows/main.py"])
        #expect(try #require(analysis.folder("clusterisation/")).launchers == ["orchestration/dags/jobs/ml/clusterisation.py"])
        // Airflow params: the Param pair itself (its bucket a constant), then the templates using it.
        let outbox = try #require(analysis.folder("outbox/"))
        #expect(outbox.references.filter { $0.via == .parameter }.map(\.line) == [37, 43, 50])
        #expect(outbox.references.first { $0.line == 31 }?.via == .constant)
    }

    @Test func mentionsOfAFolderByAPathAlone() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        let reports = try #require(analysis.folder("elementary_reports/"))
        let mention = try #require(reports.references.first { $0.path == Self.docs })
        #expect(mention.line == 12 && mention.via == .mention && mention.direction == .write)
        #expect(mention.objectPath == "elementary_reports/{{ ds }}/dbt_docs.html")
        #expect(reports.references.filter { $0.path == Self.docs }.count == 1)   // not the title, not the comment
        let lineage = try #require(analysis.folder("lineage/"))
        #expect(Self.evidence(lineage) == ["\(Self.docs):18 write mention"])
        // A plan never sees mentions: the scan looks for them only when analysing.
        let scan = try await CodeScanner.scan(fixture.codeOptions(), migrations: [])
        #expect(scan.mentions.isEmpty && !scan.references.contains { $0.path == Self.docs })
    }

    @Test func partitionFoldersAreNeverSplit() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze(depth: 4)
        let paths = Set(analysis.folders.map(\.path))
        // Environments, years, a stem with a day, days, timestamps: each stays one use case.
        for folder in ["clickhouse_export/", "elementary_reports/", "QPI_exports/", "siren/raw/",
                       "export/cloudsql_recommendation_tables_to_bigquery/", "historization/applicative/booking/"] {
            #expect(paths.contains(folder), "\(folder) was split")
            #expect(!paths.contains { $0.hasPrefix(folder) && $0 != folder }, "\(folder) was split")
        }
        // Folders of distinct names still split to the depth asked for.
        #expect(paths.isSuperset(of: ["historization/tracking/firebase_events/", "rows/venue/", "rows/offer/"]))
    }

    @Test func theReportShowsEvidenceLaunchersAndUnplacedReferences() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        let markdown = AnalysisMarkdownRenderer().render(analysis)
        for line in [
            "  - `\(Self.snapshots)main.py:19` (write, constant via import): `offer_snapshots/full/{ds}/offers.parquet`, through STORE, \(Self.snapshots)conf/settings.py:7",
            "  - `jobs/etl_jobs/internal/export_rows/main.py:9` (write, launcher orchestration/dags/jobs/export/export_rows.py): `rows/{table}/{ds}/rows-*.csv`",
            "- **Launchers**: `orchestration/dags/jobs/export/export_rows.py` (run a job script with the bucket)",
            "  - `\(Self.docs):12` (write, mention): `elementary_reports/{{ ds }}/dbt_docs.html`",
            "## References Decant Could Not Place",
            "- `jobs/etl_jobs/internal/gcs_seed/main.py:18` (constant): the object path is computed at run time (`prefix=folder`)",
        ] {
            #expect(markdown.contains(line), "missing: \(line)")
        }
        let json = AnalysisJSONRenderer().render(analysis)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let folders = try #require(decoded["folders"] as? [[String: Any]])
        let rows = try #require(folders.first { $0["path"] as? String == "rows/" })
        #expect(rows["launchers"] as? [String] == ["orchestration/dags/jobs/export/export_rows.py"])
        let reference = try #require((rows["references"] as? [[String: Any]])?.first)
        #expect(reference["via"] as? String == "launcher")
        #expect(reference["launcher"] as? String == "orchestration/dags/jobs/export/export_rows.py")
        let unplaced = try #require(decoded["unresolved"] as? [[String: Any]])
        #expect(unplaced.first?["reason"] as? String == "the object path is computed at run time (`prefix=folder`)")
    }
}
