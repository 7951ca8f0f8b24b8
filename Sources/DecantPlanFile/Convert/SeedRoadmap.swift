import DecantCore

/// What the seed's analysis knows that its `migration_configs.yaml` does not say:
/// the roadmap phase of each subfolder and the lifecycle policies it names.
enum SeedRoadmap {
    /// The phase of the "Progressive Migration Roadmap" by source folder.
    static let phases: [String: Int] = [
        "archives/": 1, "bigquery_archive_tables/": 1, "historization/": 1,
        "QPI_historical/": 2, "QPI_mapping/": 2,
        "bigquery_imports/seed/": 3, "base32-encode/": 3,
        "QPI_exports/": 4, "dms_export/": 4,
        "export/cloudsql_recommendation_tables_to_bigquery/": 5, "elementary_reports/": 5, "clickhouse_export/": 5,
    ]

    static func phase(sourcePath: String) -> Int? {
        phases[sourcePath.isEmpty || sourcePath.hasSuffix("/") ? sourcePath : sourcePath + "/"]
    }

    /// The policies the seed names, as native rule lines (DESIGN §2).
    static let policies: [String: [String]] = [
        "immediate_coldline": ["{ set_storage_class: COLDLINE, when: { age_days: 0 } }"],
        "standard_with_archiving": ["{ set_storage_class: NEARLINE, when: { age_days: 30 } }",
                                    "{ set_storage_class: ARCHIVE, when: { age_days: 365 } }"],
    ]
}
