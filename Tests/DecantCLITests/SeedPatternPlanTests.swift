@testable import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// `decant plan` end to end, through `DecantCLI.main`, on the local store and on
/// fake-gcs-server: one test per pattern of the seed roadmap (single folder,
/// subfolder renames, file patterns, date partitions with every range form,
/// retention), and the promises every plan keeps: it is byte-identical when run
/// twice and it never writes to a store or to the state.
@Suite struct SeedPatternPlanTests {
    static let stores: [StoreKind] = [.local, .fakeGCS]

    // MARK: - Empty target → creations and copies; copied by other means → in sync; changed → conflict

    @Test(arguments: stores) func aPlanFollowsWhatIsInTheTarget(kind: StoreKind) async throws {
        let world = try await PlanWorld(kind)
        defer { world.remove() }
        let files = ["tracking/events/2024-01-01.parquet", "tracking/events/2024-01-02.parquet",
                     "int_firebase/native/2024-01-01.parquet", "applicative/users/20240101/part-0.parquet"]
        for file in files { try await world.put("historization/" + file) }
        try await world.put("ml_temp/model.bin")
        try world.writePlan(buckets: ["archive"], migrations: """
          historization:
            source: "\(world.source)/historization/"
            target: "archive/archives/"
            subfolders: { tracking/: firebase_tracking/, int_firebase/: firebase_events/ }
        """)

        let before = try await world.snapshot()
        let first = try await world.plan(["--detailed-exitcode"])
        #expect(first.code == 2, "changes: \(first.stderr)")
        #expect(first.stdout.contains("+ \(world.bucket("archive")) (archive): create"))
        #expect(first.stdout.contains("+ copy              4"))
        #expect(first.stdout.contains("historization/tracking/events/2024-01-01.parquet → archives/firebase_tracking/events/2024-01-01.parquet"))
        #expect(first.stdout.contains("historization/applicative/users/20240101/part-0.parquet → archives/applicative/users/20240101/part-0.parquet"))
        // Byte-identical when run twice, in every format.
        #expect(try await world.plan(["--detailed-exitcode"]).stdout == first.stdout)
        let json = try await world.plan(["--format", "json", "--list-objects"])
        #expect(try await world.plan(["--format", "json", "--list-objects"]).stdout == json.stdout)
        let markdown = try await world.plan(["--format", "markdown"])
        #expect(try await world.plan(["--format", "markdown"]).stdout == markdown.stdout)
        // Planning wrote nothing: no bucket, no object, no state file.
        #expect(try await world.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: world.directory.path + "/state/dev.db"))

        // Copied by other means: the plan adopts them (in sync, recorded on apply) and copies nothing.
        let archive = world.bucket("archive")
        _ = try await world.store.createBucket(archive, project: "test", settings: BucketSettings())
        for (from, to) in [("tracking/", "firebase_tracking/"), ("int_firebase/", "firebase_events/"), ("applicative/", "applicative/")] {
            for file in files where file.hasPrefix(from) {
                try await world.put("archives/" + to + file.dropFirst(from.count), content: world.content("historization/" + file), bucket: archive)
            }
        }
        let synced = try await world.migration("historization")
        #expect(synced.count("copy") == 0)
        #expect(synced.count("adopt") == 4)
        #expect(synced["blocked"] as? Bool == false)

        // Someone else's bytes under a target name: a conflict that blocks the migration (overwrite: never).
        try await world.put("archives/firebase_events/native/2024-01-01.parquet", content: "someone else's bytes", bucket: archive)
        let conflicted = try await world.migration("historization")
        #expect(conflicted.count("conflicts") == 1)
        #expect(conflicted["blocked"] as? Bool == true)
        let text = try await world.plan([])
        #expect(text.stdout.contains("! conflict"), "\(text.stdout)")
        #expect(text.stdout.contains("historization/int_firebase/native/2024-01-01.parquet"))
    }

    // MARK: - Single folder, renames, file patterns

    @Test(arguments: stores) func everyFolderAndFilePattern(kind: StoreKind) async throws {
        let world = try await PlanWorld(kind)
        defer { world.remove() }
        for name in ["ml_temp/model.bin", "ml_temp/run/1/weights.bin",
                     "historization/tracking/a.parquet", "historization/api_reco/b.parquet", "historization/other/c.parquet",
                     "bigquery_imports/seed/academie/v1.csv", "bigquery_imports/seed/academie/v1.parquet",
                     "bigquery_imports/seed/academie/README.md", "bigquery_imports/seed/deps/v2.avro",
                     "dms_export/dms_jeunes_20261101.parquet", "dms_export/unsorted_dms_jeunes_20261101.json",
                     "dms_export/notes.txt", "dms_export/old/dms_jeunes_20250101.parquet",
                     "elementary_reports/2026/report.html", "elementary_reports/2026/tmp/scratch.html"] {
            try await world.put(name)
        }
        try world.writePlan(buckets: ["ml-temp", "archive", "seed-data", "dms-staging", "reports"], migrations: """
          ml_temp:
            source: "\(world.source)/ml_temp/"
            target: "ml-temp/"
          historization:
            source: "\(world.source)/historization/"
            target: "archive/archives/"
            subfolders: { tracking/: firebase_tracking/, api_reco/: recommendation/ }
          seed:
            source: "\(world.source)/bigquery_imports/seed/"
            target: "seed-data/seed/"
            file_types: ["*.csv", "*.parquet", "*.avro"]
          dms:
            source: "\(world.source)/dms_export/"
            target: "dms-staging/staging/"
            include: ["dms_*.parquet", "unsorted_dms_*.json"]
            recursive: false
          reports:
            source: "\(world.source)/elementary_reports/"
            target: "reports/"
            exclude: ["**/tmp/**"]
        """)
        let json = try await world.planJSON()
        #expect(world.copies(json, "ml_temp") == ["ml_temp/model.bin → model.bin", "ml_temp/run/1/weights.bin → run/1/weights.bin"])
        #expect(world.copies(json, "historization").sorted() == ["historization/api_reco/b.parquet → archives/recommendation/b.parquet",
                                                        "historization/other/c.parquet → archives/other/c.parquet",
                                                        "historization/tracking/a.parquet → archives/firebase_tracking/a.parquet"])
        #expect(world.copies(json, "seed") == ["bigquery_imports/seed/academie/v1.csv → seed/academie/v1.csv",
                                               "bigquery_imports/seed/academie/v1.parquet → seed/academie/v1.parquet",
                                               "bigquery_imports/seed/deps/v2.avro → seed/deps/v2.avro"])
        #expect(world.copies(json, "dms") == ["dms_export/dms_jeunes_20261101.parquet → staging/dms_jeunes_20261101.parquet",
                                              "dms_export/unsorted_dms_jeunes_20261101.json → staging/unsorted_dms_jeunes_20261101.json"])
        #expect(world.copies(json, "reports") == ["elementary_reports/2026/report.html → 2026/report.html"])
        // What a selection leaves out is counted, with the reason.
        let seed = try #require(world.migrations(json)["seed"])
        #expect((seed["excluded"] as? [[String: Any]])?.first?["objects"] as? Int == 1)
        let dms = try #require(world.migrations(json)["dms"])
        #expect((dms["excluded"] as? [[String: Any]])?.reduce(0) { $0 + ($1["objects"] as? Int ?? 0) } == 2)
    }

    // MARK: - Date partitions, every range form

    @Test(arguments: stores) func datePartitionsInEveryRangeForm(kind: StoreKind) async throws {
        let world = try await PlanWorld(kind)
        defer { world.remove() }
        let days = ["20260930", "20261015", "20261101", "20261103", "20261105", "20261113", "20261114", "20261120"]
        for day in days { try await world.put("QPI_exports/qpi_answers_\(day)/part-00000.jsonl") }
        try await world.put("QPI_exports/qpi_answers_latest/part-00000.jsonl")
        for day in ["2026/11/02", "2026/11/03", "2025/12/31"] { try await world.put("exports/by_day/\(day)/data.csv") }

        func planned(_ range: String, pattern: String = "qpi_answers_{YYYYMMDD}/", folder: String = "QPI_exports/") async throws -> [String] {
            try world.writePlan(buckets: ["qpi-import"], migrations: """
              qpi:
                source: "\(world.source)/\(folder)"
                target: "qpi-import/imports/"
                partitions: { pattern: "\(pattern)", range: \(range) }
            """)
            let json = try await world.planJSON(now: "2026-11-20")
            return world.copies(json, "qpi").map { String($0.prefix { $0 != " " }) }
        }
        func qpi(_ days: [String]) -> [String] { days.map { "QPI_exports/qpi_answers_\($0)/part-00000.jsonl" } }

        #expect(try await planned("all") == qpi(days))
        #expect(try await planned("last_7_days") == qpi(["20261114", "20261120"]))
        #expect(try await planned("\"2026-11-01..2026-11-05\"") == qpi(["20261101", "20261103", "20261105"]))
        #expect(try await planned("\"2026-11-03\"") == qpi(["20261103"]))
        #expect(try await planned("\"2026-11-01..2026-11-30\"", pattern: "by_day/{YYYY}/{MM}/{DD}/", folder: "exports/")
            == ["exports/by_day/2026/11/02/data.csv", "exports/by_day/2026/11/03/data.csv"])
    }

    // MARK: - Retention: a source goes only when its copy is old enough and it is past retention

    @Test(arguments: stores) func retentionKeepsSourcesUntilOldEnough(kind: StoreKind) async throws {
        let world = try await PlanWorld(kind)
        defer { world.remove() }
        for i in 0..<3 { try await world.put("QPI_historical/answers_\(i).parquet") }
        let created = try #require(try await world.store.headObject(world.source, "QPI_historical/answers_0.parquet", generation: nil)?.timeCreated)
        try world.writePlan(buckets: ["seed-data"], migrations: """
          qpi_historical:
            source: "\(world.source)/QPI_historical/"
            target: "seed-data/qpi_historical/"
            cleanup: { delete_source: true, after: 7d, retention: 90d }
        """)
        let day: TimeInterval = 86_400
        let copied = created.addingTimeInterval(day)
        let applied = try await world.run(["apply", "--env", "dev", "--auto-approve", "--now", PlanWorld.time(copied)])
        #expect(applied.code == 0, "\(applied.stdout)\(applied.stderr)")

        // Past `after` but within retention: kept, with the reason.
        let early = try await world.migration("qpi_historical", now: copied.addingTimeInterval(30 * day))
        #expect(early.count("delete") == 0)
        let kept = early["kept"] as? [[String: Any]] ?? []
        #expect(kept.contains { ($0["reason"] as? String ?? "").contains("retention 90d") }, "\(kept)")
        // Past both by --now, which is ahead of the real clock: it decides only when told to.
        let before = try await world.snapshot()
        let held = try await world.migration("qpi_historical", now: created.addingTimeInterval(91 * day))
        #expect(held.count("delete") == 0)
        // Past both, said explicitly: deletions planned, and planning still wrote nothing.
        let late = try await world.migration("qpi_historical", now: created.addingTimeInterval(91 * day), extra: ["--allow-future-now"])
        #expect(late.count("delete") == 3)
        #expect(try await world.snapshot() == before)
    }

    // MARK: - Bad input changes nothing

    @Test func stateRefusesAFormatItCannotWrite() async throws {
        let world = try await PlanWorld(.local)
        defer { world.remove() }
        try world.writePlan(buckets: ["ml-temp"], migrations: "  ml_temp:\n    source: \"\(world.source)/ml_temp/\"\n    target: \"ml-temp/\"\n")
        let refused = try await world.run(["state", "history", "--env", "dev", "--format", "markdown"])
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("--format markdown is not one of text, json"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        #expect(try await world.run(["state", "history", "--env", "dev", "--format", "json"]).code == 0)
    }

    @Test(arguments: stores) func badInputChangesNothing(kind: StoreKind) async throws {
        let world = try await PlanWorld(kind)
        defer { world.remove() }
        try await world.put("ml_temp/model.bin")
        let before = try await world.snapshot()
        // Each mistake with the words of its diagnostic. Unsafe object names are
        // refused by both stores before they exist (ObjectConformanceTests) and by
        // the planner (PlanApplyTests.unsafeNamesAndCollisionsAreErrorsThatChangeNothing).
        let source = "  ml_temp:\n    source: \"\(world.source)/ml_temp/\"\n"
        let mistakes: [(plan: String, says: String)] = [
            (source + "    target: \"ml-temp/\"\n    overwrit: never\n", "unknown key `overwrit`"),
            (source + "    target: \"gs://Bad_Bucket/x/\"\n", "`Bad_Bucket` is not a valid GCS bucket name"),
            (source + "    target: \"gs://\(world.source)/ml_temp/copy/\"\n", "its target lies inside its source"),
            (source + "    target: \"ml-temp/x/\"\n  other:\n    source: \"\(world.source)/other/\"\n    target: \"ml-temp/x/y/\"\n",
             "the targets of `ml_temp` and `other` overlap"),
            ("  ml_temp: [\n", "error"),
        ]
        for mistake in mistakes {
            try world.writePlan(buckets: ["ml-temp"], migrations: mistake.plan)
            for command in [["plan", "--env", "dev"], ["apply", "--env", "dev", "--auto-approve"]] {
                let result = try await world.run(command)
                #expect(result.code == 1, "\(command) should fail on:\n\(mistake.plan)")
                #expect(result.stderr.contains(mistake.says), "\(command): \(result.stderr)")
            }
        }
        #expect(try await world.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: world.directory.path + "/state/dev.db"))
    }
}

/// A plan directory and a store for one test; on fake-gcs-server the bucket
/// names carry a random suffix so that tests do not meet.
struct PlanWorld: Sendable {
    let kind: StoreKind
    let directory: TemporaryDirectory
    let store: any ObjectStore
    let storageYAML: String
    let suffix: String
    var source: String { "data-bucket-\(suffix)" }

    init(_ kind: StoreKind) async throws {
        self.kind = kind
        directory = try TemporaryDirectory("decant-seed-plan")
        suffix = kind == .local ? "dev" : String(UniqueName.bucket("x").dropFirst(2))
        switch kind {
        case .local:
            store = LocalStore(root: directory.path + "/store")
            storageYAML = "{ provider: local, root: store }"
        default:
            let harness = try StoreHarness.make(kind)
            store = harness.store
            storageYAML = "{ provider: gcs, project: test, endpoint: \"\(harness.endpoint!.absoluteString)\", emulator: \(kind.rawValue) }"
        }
        _ = try await store.createBucket(source, project: "test", settings: BucketSettings())
    }

    func remove() { directory.remove() }

    func bucket(_ key: String) -> String { "\(key)-bucket-\(suffix)" }

    func content(_ name: String) -> String { "bytes of \(name)" }

    func put(_ name: String, content: String? = nil, bucket: String? = nil) async throws {
        let data = Data((content ?? self.content(name)).utf8)
        _ = try await store.upload(bucket ?? source, name, data: data, ifGenerationMatch: nil, contentType: nil, metadata: nil)
    }

    func writePlan(buckets: [String], migrations: String) throws {
        let bucketLines = buckets.map { "  \($0): { name: \(bucket($0)) }" }.joined(separator: "\n")
        try directory.write("plans/plan.yaml", """
        decant: 1
        environments:
          dev: {}
        storage: \(storageYAML)
        state: { backend: local, path: "state/${env}.db" }
        buckets:
        \(bucketLines)
        migrations:
        \(migrations)
        """)
    }

    struct Output { var code: Int32; var stdout: String; var stderr: String }

    func run(_ arguments: [String]) async throws -> Output {
        let console = CapturingConsole(environment: ["NO_COLOR": "1"], workingDirectory: directory.path)
        let code = await DecantCLI.main(arguments, console: console)
        return Output(code: code, stdout: console.stdout, stderr: console.stderr)
    }

    func plan(_ extra: [String], now: String = "2026-11-20") async throws -> Output {
        try await run(["plan", "--env", "dev", "--no-leftovers", "--now", now] + extra)
    }

    func planJSON(now: String = "2026-11-20", extra: [String] = []) async throws -> [String: Any] {
        let output = try await plan(["--format", "json", "--list-objects"] + extra, now: now)
        #expect(output.code == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    func migrations(_ json: [String: Any]) -> [String: [String: Any]] {
        let list = json["migrations"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0["key"] as? String ?? "", $0) })
    }

    func migration(_ key: String, now: Date? = nil, extra: [String] = []) async throws -> [String: Any] {
        let json = try await planJSON(now: now.map(Self.time) ?? "2026-11-20", extra: extra)
        return try #require(migrations(json)[key])
    }

    /// "source → target" (object names without buckets) of every copy of a migration, in plan order.
    func copies(_ json: [String: Any], _ migration: String) -> [String] {
        let actions = json["actions"] as? [[String: Any]] ?? []
        return actions.filter { $0["kind"] as? String == "copy" && ($0["id"] as? String ?? "").hasPrefix("copy:\(migration):") }
            .flatMap { $0["items"] as? [[String: Any]] ?? [] }
            .map { "\(Self.objectName($0["source"])) → \(Self.objectName($0["target"]))" }
    }

    static func objectName(_ url: Any?) -> String {
        let text = (url as? String ?? "").dropFirst("gs://".count)
        return String(text.drop { $0 != "/" }.dropFirst())
    }

    /// Every bucket the test can touch, with each object's name and checksum.
    func snapshot() async throws -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for name in [source] + ["archive", "ml-temp", "seed-data", "dms-staging", "reports", "qpi-import"].map(bucket) {
            guard try await store.getBucket(name) != nil else { continue }
            var objects: [String: String] = [:]
            for try await page in store.listObjects(name, ListOptions()) {
                for object in page.objects { objects[object.name] = object.crc32c ?? object.md5 ?? "" }
            }
            result[name] = objects
        }
        return result
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}

extension Dictionary where Key == String, Value == Any {
    func count(_ key: String) -> Int { (self[key] as? [String: Any])?["objects"] as? Int ?? -1 }
}
