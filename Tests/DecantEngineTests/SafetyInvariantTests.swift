import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Two safety invariants of DESIGN.md §4 tested where the last review found no test
/// (issue 14, "Missing safety tests").
@Suite struct SafetyInvariantTests {
    /// Invariant 1, the generation precondition: a source rewritten after its copy
    /// was verified (and after the deletion was planned) is not deleted, even with
    /// the same bytes. LocalStore enforces `ifGenerationMatch` as GCS does (the
    /// emulators do not).
    @Test(arguments: ["other bytes", "the same bytes"])
    func aSourceRewrittenAfterItsVerifiedCopyIsNotDeleted(_ rewrite: String) async throws {
        let directory = try TemporaryDirectory("decant-generation")
        defer { directory.remove() }
        let clock = MutableClock(Date(timeIntervalSince1970: 1_790_000_000))
        let store = LocalStore(root: directory.path + "/store", options: LocalStore.Options(clock: clock))
        let state = try StateStore.open(path: directory.path + "/dev.db", clock: clock)
        _ = try await store.createBucket(EngineFixture.source, project: nil, settings: BucketSettings())
        let names = ["historization/tracking/events/a.parquet", "historization/api_reco/ctx/b.parquet"]
        for name in names {
            _ = try await store.upload(EngineFixture.source, name, data: Data("data of \(name)".utf8), ifGenerationMatch: 0,
                                       contentType: nil, metadata: nil)
        }
        let plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(7)))
        let first = try await Planner(store: store, state: state, clock: clock).plan(plan)
        #expect(try await Applier(store: store, state: state, clock: clock).apply(first).status == .succeeded)

        // A week later the deletions are planned, each at the generation that was copied …
        clock.advance(8 * 86_400)
        let cleanup = try await Planner(store: store, state: state, clock: clock).plan(plan)
        #expect(cleanup.summary.delete.objects == 2)
        // … and then someone writes the first source again.
        let rewritten = names[0]
        let bytes = rewrite == "the same bytes" ? Data("data of \(rewritten)".utf8) : Data("new data".utf8)
        let before = try #require(try await store.headObject(EngineFixture.source, rewritten, generation: nil))
        clock.advance(1)
        _ = try await store.upload(EngineFixture.source, rewritten, data: bytes, ifGenerationMatch: nil, contentType: nil, metadata: nil)
        let after = try #require(try await store.headObject(EngineFixture.source, rewritten, generation: nil))
        #expect(after.generation != before.generation)

        let result = try await Applier(store: store, state: state, clock: clock).apply(cleanup)
        #expect(result.status == .failed)
        #expect(try await store.headObject(EngineFixture.source, rewritten, generation: nil)?.generation == after.generation,
                "a source written after its copy was verified was deleted")
        #expect(try await store.download(EngineFixture.source, rewritten, generation: nil).0 == bytes)
        #expect(try await store.headObject(EngineFixture.source, names[1], generation: nil) == nil, "the untouched source goes")
        let deletions = try await state.history().last?.ledger.objectsDeleted
        #expect(deletions == 1, "only the deletion that happened is recorded")
        await state.close()
    }

    /// Invariant 7 with a live token: a token sent with every request leaves no
    /// trace in the state (local file and remote object), the lock object or a
    /// saved plan.
    @Test func aLiveTokenIsInNoStateLockOrSavedPlan() async throws {
        let url = try Emulators.require(.fakeGCS)
        let secret = "ya29.L1V3-t0k3n-d3c4nt-5a7e"
        let proxy = try FaultInjectingProxy(upstream: url, faultRate: 0)
        defer { proxy.stop() }
        let store = GCSStore(endpoint: GCSEndpoint(baseURL: proxy.url, isEmulator: false), profile: .fakeGCSServer, project: "test",
                             tokens: StaticTokenProvider(token: secret), transport: HTTPTransports.standard(), retry: StoreHarness.fastRetry)
        let source = UniqueName.bucket("src"), target = UniqueName.bucket("arch"), stateBucket = UniqueName.bucket("state")
        for bucket in [source, stateBucket] { _ = try await store.createBucket(bucket, project: "test", settings: BucketSettings()) }
        for i in 0..<20 {
            _ = try await store.upload(source, "historization/tracking/day-\(i).parquet", data: Data("row \(i)".utf8),
                                       ifGenerationMatch: 0, contentType: nil, metadata: nil)
        }
        let directory = try TemporaryDirectory("decant-live-token")
        defer { directory.remove() }
        var plan = EngineFixture.historizationPlan(cleanup: CleanupPolicy(deleteSource: true, after: .days(0)))
        plan.buckets[0].name = target
        plan.migrations[0].source.bucket = source
        plan.migrations[0].target.bucket = target

        let backend = GCSStateBackend(store: store, bucket: stateBucket, prefix: "platform", workDirectory: directory.url)
        let lease = try await backend.acquire(environment: "dev", holder: .current(operation: "apply"))
        let lock = try await store.download(stateBucket, "platform/dev.lock", generation: nil).0
        let state = try StateStore.open(path: lease.databasePath, location: lease.location)
        let changes = try await Planner(store: store, state: state).plan(plan)
        let savedPath = directory.path + "/reviewed.plan"
        try SavedPlan(plan: plan, changes: changes).write(to: savedPath)
        let result = try await Applier(store: store, state: state, persist: { try await backend.persist(lease, store: state) })
            .apply(changes)
        #expect(result.status == .succeeded)
        let local = try Data(contentsOf: URL(fileURLWithPath: lease.databasePath))
        await state.close()
        try await backend.release(lease)
        let remote = try await store.download(stateBucket, "platform/dev.db", generation: nil).0

        let encodings = [secret, Data(secret.utf8).base64EncodedString(), "L1V3-t0k3n"]
        for (what, bytes) in [("the lock", lock), ("the state file", local), ("the state object", remote),
                              ("the saved plan", try Data(contentsOf: URL(fileURLWithPath: savedPath)))] {
            for text in encodings {
                #expect(bytes.range(of: Data(text.utf8)) == nil, "\(what) holds the token (\(text))")
            }
        }
        // Not vacuous: the token went with the requests.
        #expect(proxy.requests.contains { $0.headers["authorization"] == "Bearer \(secret)" })
    }
}
