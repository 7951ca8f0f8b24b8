import DecantCore
import DecantEngine
import DecantRender
import Foundation
import TestSupport
import Testing

/// `decant analyze` on the seed's bucket and a code repository shaped like seed
/// 002: every subfolder with exactly the writer and reader files the fixture
/// holds, the temperature its object ages give, and the tier of seed 001.
@Suite struct AnalyzeTests {
    typealias Row = (path: String, temperature: Temperature, tier: Int, writers: [String], readers: [String])

    static let qpi = "orchestration/dags/jobs/import/import_qpi.py"
    static let seed = "jobs/etl_jobs/internal/gcs_seed/main.py"
    static let parse = "jobs/etl_jobs/external/dms/parse_dms_subscriptions_to_tabular.py"

    /// Seed 001's ranking for its twelve subfolders: tier 1 archives, bigquery_archive_tables,
    /// historization, QPI_historical, QPI_mapping; tier 2 base32-encode; tier 3 QPI_exports,
    /// dms_export, and bigquery_imports/seed (a second job reads the seed folder here through
    /// a path constant it imports); tier 4 the recommendation sync, elementary_reports,
    /// clickhouse_export. Then the jobs that pass the bucket around (`FlowFixture`).
    static let snapshots = "jobs/etl_jobs/internal/offer_snapshots/"
    static let qualtrics = "jobs/etl_jobs/external/qualtrics/main.py"
    static let feeds = "orchestration/dags/jobs/export/export_partner_feeds.py"
    static let embeddings = "orchestration/dags/jobs/ml/embeddings.py"
    static let docs = "orchestration/dags/jobs/dbt/dbt_docs.py"
    static let expected: [Row] = [
        ("QPI_exports/", .hot, 3, [], [qpi]),
        ("QPI_historical/", .cold, 1, [], [qpi]),
        ("QPI_mapping/", .cold, 1, [], [seed]),
        ("archives/", .cold, 1, [], []),
        ("base32-encode/", .cold, 2, ["jobs/etl_jobs/internal/base32/deploy_base32.sh"], [
            "orchestration/dags/common/config.py",
            "orchestration/dags/data_gcp_dbt/macros/function_utils/udf_js/create_base32_decode.sql",
            "orchestration/dags/data_gcp_dbt/macros/function_utils/udf_js/create_base32_encode.sql",
        ]),
        ("bigquery_archive_tables/", .cold, 1, [], []),
        ("bigquery_imports/seed/", .warm, 3, [], [seed, snapshots + "main.py"]),
        ("clickhouse_export/", .hot, 4, ["orchestration/dags/jobs/export/export_clickhouse.py"], []),
        ("clusterisation/", .hot, 3, ["jobs/ml_jobs/clusterisation/preprocess.py"], ["jobs/ml_jobs/clusterisation/preprocess.py"]),
        ("dms_export/", .hot, 3, ["jobs/etl_jobs/external/dms/config.dev.yaml", "jobs/etl_jobs/external/dms/main.py", parse],
         [parse, "orchestration/dags/jobs/import/import_dms_subscriptions.py"]),
        ("elementary_reports/", .hot, 4, ["orchestration/dags/jobs/dbt/dbt_artifacts.py", docs], []),
        ("export/cloudsql_recommendation_tables_to_bigquery/", .hot, 4,
         ["orchestration/dags/jobs/api/sync_bigquery_to_cloudsql_recommendation_tables.py"],
         ["jobs/etl_jobs/internal/sync_recommendation/README.md",
          "orchestration/dags/jobs/api/sync_cloudsql_recommendation_tables_to_bigquery.py"]),
        ("historization/", .cold, 1, ["orchestration/dags/jobs/administration/bigquery_archive_partition.py"],
         ["orchestration/dags/jobs/administration/bigquery_historize_applicative_database.py"]),
        ("lineage/", .hot, 4, [docs], []),
        ("ml_embeddings/", .hot, 3, [embeddings], [embeddings]),
        ("offer_exports_test/", .hot, 4, [snapshots + "main.py"], []),
        ("offer_snapshots/", .hot, 3, [snapshots + "conf/settings.py", snapshots + "main.py"], []),
        ("outbox/", .hot, 3, [feeds], [feeds]),
        ("qualtrics_exports/", .hot, 3, [qualtrics], [qualtrics]),
        ("qualtrics_opt_out/latest/", .cold, 1, [], [qualtrics]),
        ("qualtrics_surveys/", .cold, 1, [], [qualtrics]),
        ("rows/", .hot, 4, ["jobs/etl_jobs/internal/export_rows/main.py"], []),
        ("siren/raw/", .hot, 4, ["jobs/etl_jobs/external/siren/main.py"], []),
    ]

    static func describe(_ r: Row) -> String {
        "\(r.path) \(r.temperature) tier \(r.tier) W[\(r.writers.joined(separator: ","))] R[\(r.readers.joined(separator: ","))]"
    }

    @Test func everySubfolderWithItsWritersReadersTemperatureAndTier() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        let rows = analysis.folders.sorted { $0.path < $1.path }
            .map { Self.describe(($0.path, $0.temperature, $0.tier.rawValue, $0.writers, $0.readers)) }
        #expect(rows == Self.expected.map(Self.describe))
        #expect(analysis.containers == ["bigquery_imports/", "export/", "qualtrics_opt_out/", "siren/"])
    }

    @Test func countsBytesAndAges() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        let now = AnalysisFixture.now.instant
        func days(_ d: Date?) -> Int? { d.map { Int((now.timeIntervalSince($0) / 86_400).rounded()) } }
        let historization = try #require(analysis.folder("historization/"))
        #expect(historization.stats.objects == 16)
        #expect((days(historization.stats.newest), days(historization.stats.oldest)) == (50, 326))
        let qpi = try #require(analysis.folder("QPI_exports/"))
        #expect(qpi.stats.objects == 120)
        #expect((days(qpi.stats.newest), days(qpi.stats.oldest)) == (0, 59))
        let expectedBytes = (0..<60).reduce(Int64(0)) { sum, d in
            let day = AnalysisFixture.day(d)
            return sum + Int64("content of QPI_exports/qpi_answers_\(day)/part-00000.jsonl\n".utf8.count * 2)
        }
        #expect(qpi.stats.bytes == expectedBytes)
        #expect(analysis.rootObjects.objects == 1)
        #expect(analysis.folders.map(\.stats.objects).reduce(0, +) + 1 == 546)
    }

    @Test func isolationSharedFilesAndExternalParties() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        let historical = try #require(analysis.folder("QPI_historical/"))
        #expect(historical.isolation == .isolated)
        #expect(historical.consumers == [Self.qpi])
        #expect(historical.sharedFiles == [SharedFile(path: Self.qpi, otherFolders: ["QPI_exports/"])])
        let mapping = try #require(analysis.folder("QPI_mapping/"))
        #expect(mapping.sharedFiles == [SharedFile(path: Self.seed, otherFolders: ["bigquery_imports/seed/"])])
        let base32 = try #require(analysis.folder("base32-encode/"))
        #expect(base32.isolation == .shared)
        #expect(base32.consumers.count == 3)
        #expect(try #require(analysis.folder("archives/")).isolation == .unreferenced)
        let exports = try #require(analysis.folder("QPI_exports/"))
        #expect(exports.externalWriter && !exports.externalReader)
        #expect(exports.reasons.contains { $0.contains("external system or people write it") })
        let clickhouse = try #require(analysis.folder("clickhouse_export/"))
        #expect(clickhouse.externalReader && !clickhouse.externalWriter)
        #expect(!(try #require(analysis.folder("dms_export/"))).externalWriter)
    }

    @Test func unreferencedFoldersMissingFoldersAndUnresolvedReferences() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        #expect(analysis.unreferenced.map(\.path) == ["archives/", "bigquery_archive_tables/"])
        #expect(analysis.missing.map(\.path) == ["link_artists/", "link_items/"])
        #expect(analysis.missing.map { $0.references.map(\.location) } == [
            ["jobs/ml_jobs/artist_linkage/scripts/compare_environments.py:4",
             "jobs/ml_jobs/artist_linkage/scripts/compare_environments.py:5",
             "jobs/ml_jobs/artist_linkage/streamlits/st_analyze_clustering.py:5",
             "jobs/ml_jobs/artist_linkage/streamlits/st_explore_and_clusterize_data.py:4"],
            ["orchestration/dags/jobs/ml/link_items.py:13"],
        ])
        #expect(analysis.unresolved.map(\.location) == ["jobs/etl_jobs/internal/gcs_seed/main.py:18"])
    }

    @Test func priorityOrderFollowsTheSeed() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        #expect(analysis.phases.map { $0.tier.rawValue } == [1, 2, 3, 4])
        let phases: [[String]] = [
            ["archives/", "bigquery_archive_tables/", "QPI_historical/", "QPI_mapping/", "qualtrics_opt_out/latest/",
             "qualtrics_surveys/", "historization/"],
            ["base32-encode/"],
            ["clusterisation/", "ml_embeddings/", "outbox/", "qualtrics_exports/", "bigquery_imports/seed/", "offer_snapshots/",
             "dms_export/", "QPI_exports/"],
            ["clickhouse_export/", "lineage/", "offer_exports_test/", "rows/", "siren/raw/", "elementary_reports/",
             "export/cloudsql_recommendation_tables_to_bigquery/"],
        ]
        #expect(analysis.phases.map { $0.folders.map(\.path) } == phases)
    }

    @Test func thresholdsMoveTemperaturesAndTiers() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        // With a cold threshold of 60 days the quarterly archive (last run 50 days ago) is warm.
        let analysis = try await fixture.analyze(thresholds: TemperatureThresholds(hotDays: 7, coldDays: 60))
        let historization = try #require(analysis.folder("historization/"))
        #expect(historization.temperature == .warm)
        #expect(historization.tier == .warmIsolated)
        // With a hot threshold of 14 days the monthly seed refresh (12 days ago) is hot.
        let hot = try await fixture.analyze(thresholds: TemperatureThresholds(hotDays: 14, coldDays: 30))
        #expect(hot.folder("bigquery_imports/seed/")?.temperature == .hot)
        #expect(hot.folder("bigquery_imports/seed/")?.tier == .deferred)
    }

    @Test func depthTwoSplitsEveryFolder() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze(depth: 2)
        let paths = Set(analysis.folders.map(\.path))
        #expect(paths.isSuperset(of: ["historization/tracking/", "historization/int_firebase/", "historization/api_reco/",
                                      "historization/applicative/", "QPI_mapping/archive/"]))
        // Partitions are never use cases: environments, years, days, a stem with a date.
        #expect(paths.isSuperset(of: ["clickhouse_export/", "elementary_reports/", "QPI_exports/"]))
        // The objects directly in a split folder stay one entry of their own.
        let mapping = try #require(analysis.folder("QPI_mapping/"))
        #expect(mapping.directObjectsOnly && mapping.stats.objects == 1)
        #expect(mapping.readers == [Self.seed])
        // A folder without subfolders stays whole.
        #expect(analysis.folder("QPI_historical/")?.directObjectsOnly == false)
        #expect(analysis.folder("QPI_historical/")?.stats.objects == 5)
        #expect(analysis.folder("historization/tracking/")?.writers == ["orchestration/dags/jobs/administration/bigquery_archive_partition.py"])
        #expect(analysis.folders.map(\.stats.objects).reduce(0, +) + analysis.rootObjects.objects == 546)
    }

    @Test func withoutCodeEveryFolderIsUnreferenced() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze(code: false)
        #expect(analysis.code == nil)
        #expect(analysis.folders.allSatisfy { $0.files.isEmpty })
        #expect(analysis.folder("QPI_exports/")?.tier == .hot)
    }

    @Test func theReportIsDeterministicAndHasTheSeedSections() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let first = AnalysisMarkdownRenderer().render(try await fixture.analyze())
        let second = AnalysisMarkdownRenderer().render(try await fixture.analyze())
        #expect(first == second)
        for section in ["## All Subfolders Found in `data-bucket-dev`", "### **Use Case: qpi-historical**",
                        "## Subfolders No Code Mentions", "## Code References to Subfolders That Do Not Exist",
                        "## Migration Priority Ranking", "## Progressive Migration Roadmap",
                        "- **PULL**: `orchestration/dags/jobs/import/import_qpi.py`",
                        "- **BOTH**: `jobs/etl_jobs/external/dms/parse_dms_subscriptions_to_tabular.py`",
                        "- **historization/** → `historization-bucket-dev` (COLDLINE"] {
            #expect(first.contains(section), "missing: \(section)")
        }
        // The charts of a real analysis parse: bytes by temperature, folders by size.
        let charts = try MermaidParser.diagrams(inMarkdown: first)
        #expect(charts.count == 2)
        let json = AnalysisJSONRenderer().render(try await fixture.analyze())
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(decoded["format_version"] as? String == "1")
        let folders = try #require(decoded["folders"] as? [[String: Any]])
        #expect(folders.count == 23)
        let seed = try #require(folders.first { $0["path"] as? String == "bigquery_imports/seed/" })
        #expect(seed["readers"] as? [String] == [Self.seed, Self.snapshots + "main.py"])
        #expect(seed["tier"] as? Int == 3)
    }
}
