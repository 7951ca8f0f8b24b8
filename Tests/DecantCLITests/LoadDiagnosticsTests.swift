@testable import DecantCLI
import Foundation
import TestSupport
import Testing

/// The plan files' diagnostics are printed once, with the paths `validate` prints
/// (relative to the working directory): in the plan when the command renders one,
/// on standard error otherwise.
@Suite struct LoadDiagnosticsTests {
    static let warning = "plans/old/buckets.yaml:1:1: warning: "

    static func occurrences(_ text: String) -> Int { text.components(separatedBy: warning).count - 1 }

    @Test func onceInThePlanOnceOnStandardErrorElsewhere() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        _ = try repo.directory.write("plans/old/buckets.yaml", "buckets: { x: {} }\n")

        let validate = await repo.run(["validate"])
        #expect(validate.code == 0 && Self.occurrences(validate.err) == 1, "\(validate.err)")

        let plan = await repo.run(["plan", "--env", "dev"])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(Self.occurrences(plan.out) == 1 && Self.occurrences(plan.err) == 0, "\(plan.out)\n\(plan.err)")

        let json = await repo.run(["plan", "--env", "dev", "--format", "json"])
        #expect(json.out.components(separatedBy: "\"location\" : \"plans/old/buckets.yaml:1:1\"").count == 2, "\(json.out)")
        #expect(Self.occurrences(json.err) == 0)

        // Progress as JSON lines renders no plan: the warning goes to standard error.
        let apply = await repo.run(["apply", "--env", "dev", "--auto-approve", "--json"])
        #expect(apply.code == 0, "\(apply.err)")
        #expect(Self.occurrences(apply.err) == 1 && Self.occurrences(apply.out) == 0, "\(apply.out)\n\(apply.err)")

        let state = await repo.run(["state", "list", "--env", "dev"])
        #expect(state.code == 0 && Self.occurrences(state.err) == 1, "\(state.err)")
    }

    @Test func errorsStopTheCommandWithTheirPlaces() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        _ = try repo.directory.write("plans/more.yaml", "buckets:\n  other: { versioning: yes }\n")
        let plan = await repo.run(["plan", "--env", "dev"])
        #expect(plan.code == 1 && plan.out.isEmpty)
        #expect(plan.err.hasPrefix("plans/more.yaml:2:24: error: `buckets.other.versioning` must be `true` or `false`, got `yes`"), "\(plan.err)")
        #expect(plan.err.components(separatedBy: "error: `buckets.other.versioning`").count == 2)
    }
}
