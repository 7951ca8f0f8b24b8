import DecantCore
@testable import DecantPlanFile
import Foundation
import TestSupport
import Testing

/// A plan directory read once: every environment resolved from the one parse, and
/// the other environments' source buckets (what a code scan recognises as theirs)
/// decided in one place for plan and analyze.
@Suite struct PlanSetTests {
    static let plan = """
    decant: 1
    environments:
      dev: {}
      stg: {}
      prod: { source: data-bucket-production }
    storage: { provider: local, root: store }
    buckets:
      archive: {}
    migrations:
      historization:
        source: "data-bucket-${env}/historization/"
        target: "archive/"
        environments: [dev, stg]
      history_prod:
        source: "${source}/historization/"
        target: "archive/"
        environments: [prod]
    """

    @Test func everyEnvironmentResolvesFromOneRead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/plan.yaml", Self.plan)
        let set = PlanSet.read(directory: dir.path + "/plans", shownAs: "plans")
        // The files are gone: what follows comes from the one read.
        try FileManager.default.removeItem(atPath: dir.path + "/plans")
        #expect(set.environments == ["dev", "stg", "prod"])
        #expect(set.resolve("prod").plan?.migrations.map(\.source.bucket) == ["data-bucket-production"])
        #expect(set.resolve("stg").plan?.migrations.first?.origin?.file == "plans/plan.yaml")
        let checked = set.resolveEach(nil)
        #expect(checked.plans.map(\.environment) == ["dev", "stg", "prod"] && checked.diagnostics.isEmpty)
        #expect(set.variables(of: "prod") == ["env": "prod", "source": "data-bucket-production"])
    }

    @Test func anEnvironmentsMistakesAreItsOwn() {
        // The mistake is in prod's migration only.
        let set = PlanSet(files: PlanText.files([("plan.yaml", Self.plan + "\n    storage_class: COLDER\n")]))
        let prod = set.resolve("prod")
        #expect(prod.plan == nil && prod.diagnostics.errors.count == 1)
        #expect(set.resolve("stg").plan != nil && set.resolve("dev").diagnostics.isEmpty)
        #expect(set.resolve("qa").diagnostics.first?.message.hasPrefix("unknown environment `qa`") == true)
    }

    @Test func theOtherEnvironmentsSourceBucketsAreWhatTheirPlansSay() {
        let set = PlanSet(files: PlanText.files([("plan.yaml", Self.plan)]))
        #expect(set.sourceBuckets(except: "dev") == ["stg": "data-bucket-stg", "prod": "data-bucket-production"])
        #expect(set.sourceBuckets(except: "prod") == ["dev": "data-bucket-dev", "stg": "data-bucket-stg"])
        // analyze of the plan's own source bucket agrees with plan.
        #expect(set.sourceBuckets(except: "dev", bucket: "data-bucket-dev") == set.sourceBuckets(except: "dev"))
        // Another bucket: the plans say nothing about it, its name is the guess.
        #expect(set.sourceBuckets(except: "dev", bucket: "logs-dev") == ["stg": "logs-stg", "prod": "logs-prod"])
        #expect(set.sourceBuckets(except: "dev", bucket: "shared-logs").isEmpty)
    }

    @Test func withoutMigrationsTheBucketsNameIsTheGuess() {
        let set = PlanSet(files: PlanText.files([("plan.yaml", PlanText.header)]))
        #expect(set.sourceBuckets(except: "dev").isEmpty)
        #expect(set.sourceBuckets(except: "dev", bucket: "data-bucket-dev") == ["stg": "data-bucket-stg"])
    }
}
