import DecantCore
import DecantEngine
import DecantPlanFile
import Foundation
import Testing
import TestSupport

/// `decant analyze --scaffold`: the plan it writes loads with the real plan
/// loader for every environment, and the planner plans it against the store.
@Suite struct ScaffoldTests {
    static func settings(_ fixture: AnalysisFixture, storeRoot: String) -> PlanScaffold.Settings {
        PlanScaffold.Settings(
            environments: [PlanScaffold.Environment(name: "dev", variables: ["env": "dev", "project": "data-ehp"]),
                           PlanScaffold.Environment(name: "stg", variables: ["env": "stg", "project": "data-ehp"]),
                           PlanScaffold.Environment(name: "prod", variables: ["env": "prod", "project": "data-prod"])],
            storage: .local(root: storeRoot), state: .local(path: "state/dev.db"),
            code: CodeConfig(root: fixture.codeRoot, include: ["orchestration/**", "jobs/**"], sourceRefs: AnalysisFixture.sourceRefs))
    }

    @Test func theScaffoldValidatesForEveryEnvironmentAndPlans() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze()
        let text = PlanScaffold.write(analysis, settings: Self.settings(fixture, storeRoot: fixture.storeRoot))
        try fixture.directory.write("scaffold/plan.yaml", text)
        let directory = fixture.directory.path + "/scaffold"

        let (environments, diagnostics) = PlanSet.read(directory: directory).validate(environment: nil)
        #expect(environments == ["dev", "stg", "prod"])
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))\n\(text)")

        let (loaded, _) = PlanSet.read(directory: directory).resolve("dev")
        let plan = try #require(loaded)
        #expect(plan.migrations.count == analysis.folders.count)
        for folder in analysis.folders {
            let migration = try #require(plan.migration(key: PlanScaffold.migrationKey(folder.path)))
            #expect(migration.phase == folder.tier.rawValue, "\(folder.path)")
            #expect(migration.source == BucketPath(bucket: "data-bucket-dev", prefix: folder.path))
            let key = try #require(migration.targetBucketKey)
            let bucket = try #require(plan.bucket(key: key))
            #expect(bucket.name == "\(folder.useCase)-bucket-dev")
            let storage = folder.temperature.suggestedStorage
            #expect(bucket.settings.storageClass == storage.storageClass)
            #expect(bucket.lifecyclePolicy == storage.policy)
            #expect(bucket.preserveAge == storage.needsPreservedAge)
            #expect(migration.rewriteCode == !folder.references.isEmpty)
        }
        #expect(plan.bucket(key: "historization")?.settings.storageClass == .coldline)
        #expect(plan.bucket(key: "seed")?.name == "seed-bucket-dev")
        #expect(plan.storage == .local(root: fixture.storeRoot))
        #expect(plan.code?.sourceRefs == AnalysisFixture.sourceRefs)
        let prod = try #require(PlanSet.read(directory: directory).resolve("prod").plan)
        #expect(prod.migrations.allSatisfy { $0.source.bucket == "data-bucket-prod" })
        #expect(prod.variables["project"] == "data-prod")

        // The planner copies every object of every folder, and nothing else.
        let changes = try await Planner(store: fixture.store, state: nil, clock: AnalysisFixture.now).plan(plan)
        #expect(!changes.hasErrors, "\(changes.diagnostics.map(\.description))")
        #expect(changes.summary.bucketsToCreate == analysis.folders.count)
        for folder in analysis.folders {
            let migration = try #require(changes.migrations.first { $0.key == PlanScaffold.migrationKey(folder.path) })
            #expect(migration.copy.objects == folder.stats.objects, "\(folder.path)")
            #expect(migration.copy.bytes == folder.stats.bytes, "\(folder.path)")
        }
        #expect(changes.leftovers?.entries.map(\.tally.objects).reduce(0, +) == 1)  // the object at the bucket root
    }

    @Test func keysAndCodeRefs() {
        #expect(PlanScaffold.migrationKey("bigquery_imports/seed/") == "bigquery_imports_seed")
        #expect(PlanScaffold.migrationKey("base32-encode/") == "base32-encode")
        #expect(PlanScaffold.codeRef("seed-data") == "SEED_DATA_BUCKET_NAME")
    }

    @Test func splitFoldersLeaveTheirDirectObjectsOutOfTheScaffold() async throws {
        let fixture = try await AnalysisFixture()
        defer { fixture.remove() }
        let analysis = try await fixture.analyze(depth: 2)
        let text = PlanScaffold.write(analysis, settings: Self.settings(fixture, storeRoot: fixture.storeRoot))
        #expect(text.contains("# Not scaffolded: the objects directly in `QPI_mapping/` (a migration"))
        try fixture.directory.write("scaffold2/plan.yaml", text)
        let (_, diagnostics) = PlanSet.read(directory: fixture.directory.path + "/scaffold2").validate(environment: nil)
        #expect(!diagnostics.hasErrors, "\(diagnostics.map(\.description))")
    }
}
