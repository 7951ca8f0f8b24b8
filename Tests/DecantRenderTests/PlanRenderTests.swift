import DecantCore
import DecantRender
import Foundation
import Testing

/// Golden-file tests of the plan renderers (see `Golden`).
@Suite struct PlanRenderTests {
    static func sample() throws -> PlannedChanges {
        let now = Date(timeIntervalSince1970: 1_795_651_200) // 2026-11-24
        let historization = BucketPath(bucket: "data-bucket-dev", prefix: "historization/")
        let archive = BucketPath(bucket: "archive-bucket-dev", prefix: "archives/")
        var m = MigrationPlan(key: "historization", phase: 1, description: "BigQuery partition archives",
                              source: historization, target: archive, movement: .metadataOnly)
        m.copy = Tally(objects: 1204, bytes: 3_435_973_837)
        m.inSync = Tally(objects: 300, bytes: 838_860_800)
        m.adopt = Tally(objects: 5, bytes: 1_048_576)
        m.deleteHeld = [.init(reason: .validationPeriod(.days(14)), tally: Tally(objects: 300, bytes: 838_860_800),
                              eligibleFrom: now.addingTimeInterval(14 * 86_400))]
        m.excluded = [.init(reason: "not one of the file types", tally: Tally(objects: 10, bytes: 1024))]
        m.samples = [ObjectMapping(source: "historization/tracking/t/2024-01-01.parquet", target: "archives/firebase_tracking/t/2024-01-01.parquet", size: 100)]
        m.references = [CodeReference(path: "orchestration/dags/jobs/administration/bigquery_archive_partition.py", line: 42, column: 9,
                                      form: .constant, direction: .write, bucketText: "{DATA_GCS_BUCKET_NAME}", objectPath: "historization/",
                                      migration: "historization", excerpt: "f\"gs://{DATA_GCS_BUCKET_NAME}/historization/{folder}\"")]
        m.cost = MigrationCost(
            currency: "USD", pricesAsOf: "2025-01", monthlyBefore: 0.08, monthlyAfter: 0.016, monthlyAfter1m: 0.016,
            monthlyAfter3m: 0.016, monthlyAfter12m: 0.016, oneTime: 0.05384,
            oneTimeParts: OneTimeCost(classA: 0.02408, copies: 1204, retrieval: 0, earlyDeletion: 0.02976, network: 0),
            lifecycle12m: 0, breakEvenMonths: 1, netSaving12m: 0.714,
            earlyDeletion: EarlyDeletion(objects: 12, bytes: 3_221_225_472, charge: 0.02976, freeFrom: CalendarDay("2026-12-08")!,
                                         classes: [.init(storageClass: .nearline, minimumDays: 30, objects: 12, bytes: 3_221_225_472,
                                                         charge: 0.02976, youngestDays: 12)],
                                         samples: [YoungRemoval(name: "historization/tracking/t/2026-11-12.parquet", storageClass: .nearline,
                                                                ageDays: 12, size: 268_435_456)]),
            ageAlternative: AgeAlternative(preserveAge: true, monthlyAfter: 0.016, monthlyAfter12m: 0.016, breakEvenMonths: 1),
            warnings: ["deleting 12 source object(s) (3.0 GiB) before their class's minimum storage duration costs $0.03 in early-deletion charges"],
            notes: [])
        var q = MigrationPlan(key: "qpi_exports", phase: 4, description: nil,
                              source: BucketPath(bucket: "data-bucket-dev", prefix: "QPI_exports/"),
                              target: BucketPath(bucket: "qpi-import-bucket-dev", prefix: "imports/"), movement: .unknown("location of qpi-import-bucket-dev unknown"))
        q.conflicts = Tally(objects: 2, bytes: 2048)
        q.conflictSamples = [ObjectMapping(source: "QPI_exports/qpi_answers_20261120/a.jsonl", target: "imports/qpi_answers_20261120/a.jsonl", size: 1024)]
        q.blockers = ["2 target object(s) differ from their source and overwrite is `never`"]
        let edit = CodeEdit(path: "orchestration/dags/common/config.py",
                            beforeContent: "DATA_GCS_BUCKET_NAME = os.environ.get(\"DATA_GCS_BUCKET_NAME\", f\"data-bucket-{ENV_SHORT_NAME}\")\n",
                            afterContent: "DATA_GCS_BUCKET_NAME = os.environ.get(\"DATA_GCS_BUCKET_NAME\", f\"data-bucket-{ENV_SHORT_NAME}\")\nARCHIVE_BUCKET_NAME = os.environ.get(\"ARCHIVE_BUCKET_NAME\", f\"archive-bucket-{ENV_SHORT_NAME}\")\n",
                            patch: "", migrations: ["historization"])
        var withPatch = edit
        withPatch.patch = UnifiedDiff.make(path: edit.path, before: edit.beforeContent, after: edit.afterContent)
        let item = ObjectItem(source: ObjectRef(bucket: "data-bucket-dev", name: "historization/tracking/t/2024-01-01.parquet", generation: 7),
                              target: ObjectRef(bucket: "archive-bucket-dev", name: "archives/firebase_tracking/t/2024-01-01.parquet"),
                              content: ContentIdentity(size: 100, crc32c: "AAAAAA==", md5: nil))
        let actions = [
            Action(id: ActionID("create_bucket", "archive-bucket-dev"), kind: .createBucket, bucket: "archive-bucket-dev", reason: .bucketMissing(key: "archive", origin: nil),
                   payload: .createBucket(BucketCreation(name: "archive-bucket-dev", project: "p", settings: BucketSettings()))),
            Action(id: ActionID("copy", "historization", "0001"), kind: .copy, migration: "historization", bucket: "archive-bucket-dev",
                   reason: .copyAbsent(objects: 1, bytes: 100, target: archive), dependsOn: [ActionID("create_bucket", "archive-bucket-dev")], payload: .objects([item])),
            Action(id: ActionID("rewrite_code", edit.path), kind: .rewriteCode, migration: "historization", reason: .codeAtOldLocation(migrations: ["historization"]),
                   dependsOn: [ActionID("copy", "historization", "0001")], payload: .code(withPatch)),
        ]
        var plan = PlannedChanges(
            environment: "dev", generatedAt: now, decantVersion: "0.0.0-test", inputDigest: "3f2a9c1e00aa11bb22cc", stateLineage: "9c1e0000-aaaa",
            stateSerial: 4,
            buckets: [
                BucketPlan(key: "archive", name: "archive-bucket-dev", status: .create,
                           settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .standard, labels: ["use_case": "historization"],
                                                    lifecycle: [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 0))])),
                BucketPlan(key: "seed-data", name: "seed-data-bucket-dev", status: .update,
                           changes: [SettingChange(field: .labels, before: "{}", after: "{use_case: seed-data}")]),
            ],
            migrations: [m, q],
            leftovers: LeftoverReport(entries: [.init(bucket: "data-bucket-dev", prefix: "ml_temp/", tally: Tally(objects: 1203, bytes: 12_884_901_888))]),
            code: CodePlan(filesScanned: 412, edits: [withPatch],
                           unrewritable: [CodeReference(path: "jobs/x.py", line: 3, column: 1, form: .split, direction: .unknown,
                                                        bucketText: "DATA_GCS_BUCKET_NAME", objectPath: "", migration: "historization",
                                                        excerpt: "bucket=DATA_GCS_BUCKET_NAME", unrewritableReason: "the path is built at run time")]),
            diagnostics: [.warning("qpi_exports is blocked: 2 target object(s) differ from their source")],
            graph: try ActionGraph(actions))
        q.cost = MigrationCost(currency: "USD", pricesAsOf: "2025-01",
                               oneTimeParts: OneTimeCost(classA: nil, copies: 0, retrieval: nil, earlyDeletion: nil, network: nil),
                               notes: ["no prices for US in the table"])
        plan.migrations[1].cost = q.cost
        var total = m.cost!
        total.earlyDeletion = nil
        total.ageAlternative = nil
        total.warnings = []
        plan.cost = PlanCost(prices: PriceSummary(table: "Google Cloud Storage list prices (decant built-in)", origin: "built-in",
                                                  currency: "USD", asOf: "2025-01", source: "list prices, not verified online",
                                                  adjustments: ["15% discount"]),
                             total: total, notes: ["qpi_exports is not in the total: it is blocked"])
        return plan
    }

    func check(_ rendered: String, golden name: String) throws { try Golden.check(rendered, name) }

    @Test func text() throws {
        let text = PlanTextRenderer().render(try Self.sample())
        try check(text, golden: "plan.txt")
        #expect(!text.contains("\u{1B}["))
        #expect(PlanTextRenderer(color: true).render(try Self.sample()).contains("\u{1B}[32m+"))
    }

    @Test func markdown() throws {
        try check(PlanMarkdownRenderer().render(try Self.sample()), golden: "plan.md")
    }

    @Test func json() throws {
        let json = PlanJSONRenderer().render(try Self.sample())
        try check(json, golden: "plan.json")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["format_version"] as? String == "1")
        #expect((object?["actions"] as? [[String: Any]])?.first?["items"] == nil)
        let full = PlanJSONRenderer(includeObjects: true).render(try Self.sample())
        #expect(full.contains("\"source_generation\" : 7"))
    }

    @Test func deterministic() throws {
        let a = try Self.sample(), b = try Self.sample()
        #expect(PlanTextRenderer().render(a) == PlanTextRenderer().render(b))
        #expect(PlanJSONRenderer(includeObjects: true).render(a) == PlanJSONRenderer(includeObjects: true).render(b))
    }
}
