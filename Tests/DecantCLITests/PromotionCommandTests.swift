import DecantCLI
import DecantCore
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// `promotion: { prod: { from: stg, soak: 7d } }` end to end (issue 20, item 3):
/// prod's plan says what stg applied and since when, prod's apply refuses what stg
/// has not applied and verified for the soak, `--ignore-promotion` overrides it
/// loudly and prod's state records it; stg's state is only read.
@Suite struct PromotionCommandTests {
    static func plans(description: String = "archives") -> String {
        """
        decant: 1
        environments:
          stg: {}
          prod: {}
        storage: { provider: local, root: store }
        state: { backend: local, path: "state/${env}.db" }
        buckets:
          archive: { name: "archive-${env}" }
        migrations:
          historization:
            description: \(description)
            source: "data-${env}/historization/"
            target: "archive/"
        promotion:
          prod: { from: stg, soak: 7d }

        """
    }

    struct Repo {
        let directory: TemporaryDirectory
        let store: LocalStore

        init() async throws {
            directory = try TemporaryDirectory("decant-promotion")
            store = LocalStore(root: directory.path + "/store")
            _ = try directory.write("plans/plan.yaml", PromotionCommandTests.plans())
            for env in ["stg", "prod"] {
                _ = try await store.createBucket("data-\(env)", project: nil, settings: BucketSettings())
                for i in 0..<3 { try await add("historization/part-\(i).parquet", env: env) }
            }
        }

        func add(_ name: String, env: String) async throws {
            _ = try await store.upload("data-\(env)", name, data: Data("\(env) \(name)".utf8), ifGenerationMatch: 0, contentType: nil, metadata: nil)
        }

        func run(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
            let console = CapturingConsole(workingDirectory: directory.path)
            let code = await DecantCLI.main(arguments, console: console)
            return (code, console.stdout, console.stderr)
        }

        func json(_ arguments: [String]) async throws -> [String: Any] {
            let result = await run(arguments + ["--format", "json"])
            return try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], "\(result.err)")
        }

        func promotion(_ arguments: [String]) async throws -> [String: Any] {
            let document = try await json(arguments)
            let promotion = try #require(document["promotion"] as? [String: Any])
            return try #require((promotion["migrations"] as? [[String: Any]])?.first)
        }

        /// The bytes of stg's state and the files beside it (no lock, nothing new).
        func stgState() throws -> (Data, [String]) {
            (try Data(contentsOf: directory.url.appendingPathComponent("state/stg.db")),
             try FileManager.default.contentsOfDirectory(atPath: directory.path + "/state").filter { $0.hasPrefix("stg") && !$0.hasSuffix("-shm") }.sorted())
        }
    }

    @Test func prodWaitsForStgAndItsSoakThenAnOverrideIsRecorded() async throws {
        let repo = try await Repo()
        defer { repo.directory.remove() }

        // stg never applied: prod's plan says so and prod's apply refuses it.
        let first = await repo.run(["plan", "--env", "prod", "--now", "2026-06-01T10:00:00Z"])
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out.contains("Promotion from stg (soak 7d), stg has no state yet"), "\(first.out)")
        #expect(first.out.contains("historization: not_applied: stg has not applied it (apply refuses it)"), "\(first.out)")
        let refused = await repo.run(["apply", "--env", "prod", "--auto-approve", "--now", "2026-06-01T10:00:00Z"])
        #expect(refused.code == 1)
        #expect(refused.err.contains("promotion refuses 1 migration(s) of prod"), "\(refused.err)")
        #expect(refused.err.contains("  - historization (stg has not applied it)"), "\(refused.err)")
        #expect(try await repo.store.getBucket("archive-prod") == nil, "a refused apply changed prod")

        #expect(await repo.run(["apply", "--env", "stg", "--auto-approve", "--now", "2026-06-01T10:00:00Z"]).code == 0)
        let stgBefore = try repo.stgState()

        // Three days later: soaking, refused, naming the migration and when it may go.
        let soaking = try await repo.promotion(["plan", "--env", "prod", "--now", "2026-06-04T10:00:00Z"])
        #expect(soaking["status"] as? String == "soaking")
        #expect(soaking["since"] as? String == "2026-06-01T10:00:00.000Z")
        #expect(soaking["eligible_from"] as? String == "2026-06-08T10:00:00.000Z")
        #expect(soaking["refused"] as? Bool == true)
        let early = await repo.run(["apply", "--env", "prod", "--auto-approve", "--now", "2026-06-04T10:00:00Z"])
        #expect(early.code == 1)
        #expect(early.err.contains("historization (stg applied and verified it 3d ago, under the soak of 7d; eligible from 2026-06-08T10:00:00.000Z)"),
                "\(early.err)")
        #expect(try await repo.store.getBucket("archive-prod") == nil)

        // Eight days later: a saved plan shows it promoted and applies.
        let saved = await repo.run(["plan", "--env", "prod", "--now", "2026-06-09T10:00:00Z", "--out", "prod.plan"])
        #expect(saved.out.contains("historization: promoted: stg applied and verified it 8d ago (soak 7d passed)"), "\(saved.out)")
        let applied = await repo.run(["apply", "--env", "prod", "prod.plan", "--now", "2026-06-09T10:00:00Z"])
        #expect(applied.code == 0, "\(applied.err)")
        #expect(try await repo.store.getBucket("archive-prod") != nil)

        // The migration edited since stg applied it: another definition, refused whatever the soak.
        _ = try repo.directory.write("plans/plan.yaml", Self.plans(description: "archives, edited"))
        try await repo.add("historization/part-9.parquet", env: "prod")
        let edited = await repo.run(["apply", "--env", "prod", "--auto-approve", "--now", "2026-06-20T10:00:00Z"])
        #expect(edited.code == 1)
        #expect(edited.err.contains("historization (stg last applied another definition of it (edited since)"), "\(edited.err)")

        // The override: loud, applied, and recorded in prod's state.
        let forced = await repo.run(["apply", "--env", "prod", "--auto-approve", "--ignore-promotion", "--now", "2026-06-20T10:00:00Z"])
        #expect(forced.code == 0, "\(forced.err)")
        #expect(forced.err.contains("warning: --ignore-promotion: applying historization to prod although stg last applied another definition"),
                "\(forced.err)")
        let prod = try StateStore.open(path: repo.directory.path + "/state/prod.db")
        let outcomes = try await prod.migrationOutcomes()
        let runs = try await prod.runs()
        await prod.close()
        #expect(outcomes.map(\.serial) == [1, 2])
        #expect(outcomes.allSatisfy { $0.verified })
        #expect(outcomes[0].promotionIgnored == nil)
        #expect(outcomes[1].promotionIgnored?.contains("another definition") == true)
        #expect(outcomes[0].inputsDigest != outcomes[1].inputsDigest)
        #expect(runs.last?.promotionIgnored == 1)
        let history = await repo.run(["state", "history", "--env", "prod"])
        #expect(history.out.contains("1 migration(s) applied over the promotion gate (--ignore-promotion)"), "\(history.out)")
        let historyJSON = await repo.run(["state", "history", "--env", "prod", "--format", "json"])
        #expect(historyJSON.out.contains("\"promotion_ignored\" : 1"), "\(historyJSON.out)")

        // stg's state was only read: same bytes, no lock, nothing left beside it.
        let stgAfter = try repo.stgState()
        #expect(stgAfter.0 == stgBefore.0, "prod's plan or apply wrote to stg's state")
        #expect(stgAfter.1 == stgBefore.1)

        // stg has no promotion: the override would be ignored, so it is refused.
        let pointless = await repo.run(["apply", "--env", "stg", "--auto-approve", "--ignore-promotion"])
        #expect(pointless.code == 1)
        #expect(pointless.err.contains("--ignore-promotion: stg has no `promotion:` entry"), "\(pointless.err)")
    }

    /// A rollback in stg takes back what it applied: prod waits again.
    @Test func aRollbackInStgTakesThePromotionBack() async throws {
        let repo = try await Repo()
        defer { repo.directory.remove() }
        #expect(await repo.run(["apply", "--env", "stg", "--auto-approve", "--now", "2026-06-01T10:00:00Z"]).code == 0)
        #expect(try await repo.promotion(["plan", "--env", "prod", "--now", "2026-06-10T10:00:00Z"])["status"] as? String == "promoted")
        #expect(await repo.run(["rollback", "--env", "stg", "--to", "0", "--auto-approve", "--now", "2026-06-02T10:00:00Z"]).code == 0)
        #expect(try await repo.promotion(["plan", "--env", "prod", "--now", "2026-06-10T10:00:00Z"])["status"] as? String == "not_applied")
    }

    /// A `--now` ahead of the real clock does not pass a soak, unless `--allow-future-now`
    /// (as it does not decide deletions).
    @Test func aFutureNowDoesNotPassTheSoak() async throws {
        let repo = try await Repo()
        defer { repo.directory.remove() }
        #expect(await repo.run(["apply", "--env", "stg", "--auto-approve"]).code == 0)
        let future = ["plan", "--env", "prod", "--now", "2099-01-01"]
        #expect(try await repo.promotion(future)["status"] as? String == "soaking")
        #expect(try await repo.promotion(future + ["--allow-future-now"])["status"] as? String == "promoted")
        let refused = await repo.run(["apply", "--env", "prod", "--auto-approve", "--now", "2099-01-01"])
        #expect(refused.code == 1)
        #expect(refused.err.contains("under the soak of 7d"), "\(refused.err)")
    }

    /// A state of stg that is not a decant state is an error naming it; nothing is applied to prod.
    @Test func aBrokenStgStateIsAnErrorNamingIt() async throws {
        let repo = try await Repo()
        defer { repo.directory.remove() }
        _ = try repo.directory.write("state/stg.db", "not a database")
        for arguments in [["plan", "--env", "prod"], ["apply", "--env", "prod", "--auto-approve"]] {
            let result = await repo.run(arguments)
            #expect(result.code == 1)
            #expect(result.err.contains("state/stg.db is not a decant state"), "\(result.err)")
        }
        #expect(try await repo.store.getBucket("archive-prod") == nil)
        #expect(try String(contentsOf: repo.directory.url.appendingPathComponent("state/stg.db"), encoding: .utf8) == "not a database")
    }

    /// stg's state on fake-gcs-server: prod reads it from a private download,
    /// never taking its lock object or writing a new generation of it.
    @Test func stgsStateInAGCSBucketIsReadWithoutItsLock() async throws {
        let harness = try StoreHarness.make(.fakeGCS)
        let endpoint = try #require(harness.endpoint)
        let directory = try TemporaryDirectory("decant-promotion")
        defer { directory.remove() }
        let store = harness.store
        let (source, archive, stateBucket) = (UniqueName.bucket("src"), UniqueName.bucket("arch"), UniqueName.bucket("state"))
        _ = try await store.createBucket(stateBucket, project: "test", settings: BucketSettings())
        for env in ["stg", "prod"] {
            _ = try await store.createBucket("\(source)-\(env)", project: "test", settings: BucketSettings())
            _ = try await store.upload("\(source)-\(env)", "historization/a.parquet", data: Data(env.utf8), ifGenerationMatch: 0,
                                       contentType: nil, metadata: nil)
        }
        _ = try directory.write("plans/plan.yaml", Self.plans()
            .replacingOccurrences(of: "{ provider: local, root: store }",
                                  with: "{ provider: gcs, project: test, endpoint: \"\(endpoint.absoluteString)\", emulator: fake-gcs-server }")
            .replacingOccurrences(of: #"{ backend: local, path: "state/${env}.db" }"#, with: "{ backend: gcs, bucket: \(stateBucket), prefix: decant }")
            .replacingOccurrences(of: "data-${env}", with: "\(source)-${env}")
            .replacingOccurrences(of: "archive-${env}", with: "\(archive)-${env}"))
        func run(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
            let console = CapturingConsole(workingDirectory: directory.path)
            let code = await DecantCLI.main(arguments, console: console)
            return (code, console.stdout, console.stderr)
        }
        let stgApply = await run(["apply", "--env", "stg", "--auto-approve", "--now", "2026-06-01T10:00:00Z"])
        #expect(stgApply.code == 0, "\(stgApply.err)")
        let before = try await store.listObjects(stateBucket, ListOptions()).all().map { "\($0.name)#\($0.generation)" }
        #expect(before.count == 1, "\(before)")

        let plan = await run(["plan", "--env", "prod", "--now", "2026-06-04T10:00:00Z"])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(plan.out.contains("Promotion from stg (soak 7d), read from gs://\(stateBucket)/decant/stg.db"), "\(plan.out)")
        #expect(plan.out.contains("historization: soaking: stg applied and verified it 3d ago"), "\(plan.out)")
        let refused = await run(["apply", "--env", "prod", "--auto-approve", "--now", "2026-06-04T10:00:00Z"])
        #expect(refused.code == 1)
        #expect(refused.err.contains("  - historization (stg applied and verified it 3d ago, under the soak of 7d"), "\(refused.err)")
        let allowed = await run(["apply", "--env", "prod", "--auto-approve", "--now", "2026-06-09T10:00:00Z"])
        #expect(allowed.code == 0, "\(allowed.err)")

        // stg's state: the same generation, no lock left; prod's state beside it.
        let after = try await store.listObjects(stateBucket, ListOptions()).all().map { "\($0.name)#\($0.generation)" }
        #expect(after.filter { $0.hasPrefix("decant/stg") } == before, "\(after)")
        #expect(after.contains { $0.hasPrefix("decant/prod.db#") }, "\(after)")
    }

    @Test(arguments: [
        ("  qa: { from: stg }\n", "plans/plan.yaml:15:3: error: `promotion.qa` promotes the undeclared environment `qa`"),
        ("  prod: { from: stgg }\n", "plans/plan.yaml:15:17: error: `promotion.prod.from` names the undeclared environment `stgg`"),
        ("  prod: { from: prod }\n", "plans/plan.yaml:15:17: error: `promotion.prod.from`: `prod` cannot be promoted from itself"),
        ("  prod: { from: stg, soak: 7 }\n", "plans/plan.yaml:15:28: error: `promotion.prod.soak`: `7` is not a duration"),
        ("  prod: { from: stg, sok: 7d }\n", "plans/plan.yaml:15:22: error: unknown key `sok` in `promotion.prod`"),
        ("  prod: { soak: 7d }\n", "plans/plan.yaml:15:3: error: `promotion.prod` is missing the required key `from`"),
        ("  prod: { from: stg }\n  stg: { from: prod }\n", "error: `promotion` has a cycle: `prod` ← `stg` ← `prod`"),
    ])
    func badPromotionsAreErrorsAtTheirPlace(entry: String, message: String) async throws {
        let directory = try TemporaryDirectory("decant-promotion")
        defer { directory.remove() }
        let base = Self.plans().components(separatedBy: "promotion:\n")[0]
        _ = try directory.write("plans/plan.yaml", base + "promotion:\n" + entry)
        let console = CapturingConsole(workingDirectory: directory.path)
        #expect(await DecantCLI.main(["validate"], console: console) == 1)
        #expect(console.stderr.contains(message), "\(console.stderr)")
        #expect(console.stderr.components(separatedBy: message).count == 2, "reported once: \(console.stderr)")
    }
}
