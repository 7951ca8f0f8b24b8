import DecantCodeRefs
import DecantCore

/// What a careful engineer lists for the fixture's jobs that pass the bucket around
/// (issue 2/8): every reference with its line, direction, object path and migration.
/// The construct tests check their part of it; the census counts how much of it the
/// scanner finds.
enum FlowFixture {
    struct Expected: Sendable, CustomStringConvertible {
        let path: String
        let line: Int
        let direction: CodeReference.Direction
        let object: String
        let migration: String?

        var description: String { "\(path):\(line) \(direction) \(object) \(migration ?? "-")" }
    }

    static let snapshots = "jobs/etl_jobs/internal/offer_snapshots/"
    static let qualtrics = "jobs/etl_jobs/external/qualtrics/main.py"
    static let feeds = "orchestration/dags/jobs/export/export_partner_feeds.py"
    static let rowsScript = "jobs/etl_jobs/internal/export_rows/main.py"
    static let sirenScript = "jobs/etl_jobs/external/siren/main.py"
    static let preprocess = "jobs/ml_jobs/clusterisation/preprocess.py"
    static let embeddings = "orchestration/dags/jobs/ml/embeddings.py"
    static let compare = "jobs/ml_jobs/artist_linkage/scripts/compare_environments.py"

    static func e(_ path: String, _ line: Int, _ direction: CodeReference.Direction, _ object: String, _ migration: String?) -> Expected {
        Expected(path: path, line: line, direction: direction, object: object, migration: migration)
    }

    /// 1. Module constants across imports (the importing folder first; `partner_imports`
    /// has modules of the same names that name another bucket: nothing there).
    static let constants: [Expected] = [
        e(snapshots + "conf/settings.py", 8, .write, "offer_snapshots", "offer_snapshots"),
        e(snapshots + "main.py", 12, .read, "bigquery_imports/seed/venue_types/venue_types.csv", "bigquery_imports_seed"),
        e(snapshots + "main.py", 19, .write, "offer_snapshots/full/{ds}/offers.parquet", "offer_snapshots"),
        e(snapshots + "main.py", 20, .write, "offer_snapshots/daily/{ds}/offers_with_types.parquet", "offer_snapshots"),
        e(snapshots + "main.py", 25, .write, "offer_exports*/{ds}/offers.csv", "offer_exports"),
        e(snapshots + "utils.py", 7, .unknown, "offer_snapshots/daily/{ds}/{table}.parquet", "offer_snapshots"),
    ]

    /// 2. Local flow inside a function.
    static let localFlow: [Expected] = [
        e(qualtrics, 13, .write, "qualtrics_exports", "qualtrics_exports"),
        e(qualtrics, 15, .write, "qualtrics_exports/{survey_id}/answers_{export_date}.csv", "qualtrics_exports"),
        e(qualtrics, 22, .both, "qualtrics_exports/{survey_id}/tmp", "qualtrics_exports"),
        e(qualtrics, 28, .read, "qualtrics_opt_out/latest/opt_out.csv", nil),
        e(qualtrics, 35, .read, "qualtrics_surveys/{survey_id}/{filename}", "qualtrics_surveys"),
    ]

    /// 3. Arguments that belong together, Airflow params and their templates; 8. prefixes
    /// match character by character (`outbox/feeds` reaches `outbox/feeds_archive/`).
    static let pairs: [Expected] = [
        e(feeds, 17, .read, "outbox/feeds_archive", "feeds_archive"),
        e(feeds, 22, .write, "outbox/manifests/{ds}", nil),
        e(feeds, 31, .both, "outbox/feeds", "feeds_archive"),
        e(feeds, 31, .both, "outbox/feeds", "partner_feeds"),
        e(feeds, 37, .write, "outbox/feeds/{{ ds_nodash }}/feed-*.csv", "partner_feeds"),
        e(feeds, 43, .read, "outbox/feeds/{{ ds_nodash }}/*.csv", "partner_feeds"),
        e(feeds, 50, .write, "outbox/feeds", "feeds_archive"),
        e(feeds, 50, .write, "outbox/feeds", "partner_feeds"),
    ]

    /// 4. A launcher DAG passing the bucket to a job script's options (typer, click, argparse).
    static let launchers: [Expected] = [
        e(rowsScript, 9, .write, "rows/{table}/{ds}/rows-*.csv", "rows"),
        e(sirenScript, 11, .write, "siren/raw/{day}/siren.parquet", "siren"),
        e(preprocess, 15, .read, "clusterisation/input/users.parquet", "clusterisation"),
        e(preprocess, 16, .write, "clusterisation/features/users_features.parquet", "clusterisation"),
    ]

    /// 7. Direction: a module-level name followed through the whole file and its
    /// `cfg["KEY"]` subscripts; deleting, creating, rendering are writes.
    static let directions: [Expected] = [
        e(embeddings, 10, .both, "ml_embeddings/items", "ml_embeddings"),
        e(embeddings, 11, .write, "ml_embeddings/models", "ml_embeddings"),
        e(embeddings, 12, .write, "ml_embeddings/reports", "ml_embeddings"),
        e(embeddings, 33, .write, "ml_embeddings/items/items-*.parquet", "ml_embeddings"),
        e(embeddings, 41, .read, "ml_embeddings/items", "ml_embeddings"),
        e(embeddings, 41, .write, "ml_embeddings/models", "ml_embeddings"),
        e(embeddings, 47, .write, "ml_embeddings/reports", "ml_embeddings"),
        e(embeddings, 53, .write, "ml_embeddings/scratch/", "ml_embeddings"),
    ]

    /// 5. Other environments' literals (qa and uat are not declared); near-misses stay out.
    static let otherEnvironments: [Expected] = [
        e(compare, 4, .read, "link_artists/matched_artists.parquet", nil),
        e(compare, 5, .read, "link_artists/matched_artists.parquet", nil),
    ]

    static var all: [Expected] { constants + localFlow + pairs + launchers + directions }

    /// The files these constructs live in (and the modules of the same names that must not be confused).
    static let files: [String] = [
        snapshots + "conf/settings.py", snapshots + "main.py", snapshots + "utils.py",
        "jobs/etl_jobs/external/partner_imports/conf/settings.py", "jobs/etl_jobs/external/partner_imports/main.py",
        "jobs/etl_jobs/external/partner_imports/utils.py", qualtrics, feeds, rowsScript, sirenScript, preprocess, embeddings,
        "orchestration/dags/jobs/export/export_rows.py", "orchestration/dags/jobs/import/import_siren.py",
        "orchestration/dags/jobs/ml/clusterisation.py", "orchestration/dags/common/gcs.py", compare,
    ]

    static func row(_ r: CodeReference) -> String {
        "\(r.path):\(r.line) \(r.direction) \(r.objectPath) \(r.migration ?? "-")"
    }
}
