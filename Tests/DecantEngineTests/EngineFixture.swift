import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation
import TestSupport

/// A store with a shared source bucket, a state on a temporary file and a fixed
/// clock: what every engine test starts from.
struct EngineFixture {
    let store: MemoryObjectStore
    let directory: TemporaryDirectory
    var clock: FixedClock
    let state: StateStore

    static let source = "data-bucket-dev"

    init(now: String = "2026-11-20T12:00:00Z") async throws {
        directory = try TemporaryDirectory("decant-engine")
        clock = FixedClock(parsing: now)!
        store = MemoryObjectStore(clock: clock, buckets: [Self.source])
        state = try StateStore.open(path: directory.path + "/dev.db", clock: clock)
    }

    func put(_ name: String, _ text: String, bucket: String = EngineFixture.source) async throws {
        _ = try await store.upload(bucket, name, data: Data(text.utf8), ifGenerationMatch: nil, contentType: nil, metadata: nil)
    }

    func names(_ bucket: String) async -> [String] { await store.objectNames(bucket) }

    func plan(_ plan: Plan, _ options: PlanOptions = PlanOptions(), code: CodeFindings? = nil, clock: FixedClock? = nil) async throws -> PlannedChanges {
        try await Planner(store: store, state: state, clock: clock ?? self.clock, code: code).plan(plan, options: options)
    }

    func apply(_ changes: PlannedChanges, clock: FixedClock? = nil, maxDelete: Int = 1000) async throws -> ApplyResult {
        try await Applier(store: store, state: state, clock: clock ?? self.clock)
            .apply(changes, options: ApplyOptions(parallelism: 8, maxDelete: maxDelete))
    }

    /// The historization use case: renames, an archive bucket with a cold lifecycle.
    static func historizationPlan(cleanup: CleanupPolicy? = nil, overwrite: OverwritePolicy = .never) -> Plan {
        let archive = BucketSpec(key: "archive", name: "archive-bucket-dev",
                                 settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .standard, labels: ["use_case": "historization"],
                                                          lifecycle: [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 0))]))
        let migration = Migration(key: "historization", source: BucketPath(bucket: source, prefix: "historization/"),
                                  target: BucketPath(bucket: "archive-bucket-dev", prefix: "archives/"), targetBucketKey: "archive",
                                  subfolders: [SubfolderRename(from: "tracking/", to: "firebase_tracking/"),
                                               SubfolderRename(from: "int_firebase/", to: "firebase_events/")],
                                  overwrite: overwrite, cleanup: cleanup, batchSize: 3)
        return Plan(environment: "dev", storage: .local(root: "unused"), state: .local(path: "unused"), buckets: [archive],
                    migrations: [migration], inputDigest: "digest-1")
    }

    func fillHistorization() async throws {
        for name in ["historization/tracking/events/2024-01-01.parquet", "historization/tracking/events/2024-01-02.parquet",
                     "historization/int_firebase/native/2024-01-01.parquet", "historization/api_reco/ctx/2024-01-01.parquet",
                     "historization/applicative/users/20240101/part-0.parquet"] {
            try await put(name, "data of \(name)")
        }
        try await put("ml_temp/model.bin", "weights")
        try await put("QPI_exports/qpi_answers_20261101/a.jsonl", "{}")
    }
}
