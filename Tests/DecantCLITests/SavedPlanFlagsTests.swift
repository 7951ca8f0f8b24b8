import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// A saved plan is applied exactly as reviewed (issue 14, defect 3): options that
/// would change what it does are refused, not ignored, and the `--max-delete` given
/// with it is enforced (the one it was reviewed under: `SavedPlanTests` in
/// DecantReliabilityTests, which needs more than a thousand deletions).
@Suite struct SavedPlanFlagsTests {
    @Test func optionsThatWouldChangeASavedPlanAreRefused() async throws {
        let repo = try await CLIRepo(.local, cleanupAfterDays: 0)
        defer { repo.remove() }
        let saved = await repo.run(["plan", "--env", "dev", "--allow-references", "--out", "reviewed.plan"])
        #expect(saved.code == 0, "\(saved.err)")
        for extra in [["--target", "historization"], ["--allow-references"], ["--phase", "1"], ["--no-leftovers"],
                      ["--target", "qpi", "--max-delete", "0", "--allow-references"]] {
            let refused = await repo.run(["apply", "--env", "dev", "reviewed.plan"] + extra)
            #expect(refused.code == 1, "\(extra): \(refused.out)")
            for option in extra where option.hasPrefix("--") && option != "--max-delete" {
                #expect(refused.err.contains(option) && refused.err.contains("would change what the saved plan reviewed.plan does"),
                        "\(extra): \(refused.err)")
            }
        }
        #expect(try await repo.store.getBucket(repo.target) == nil, "a refused saved plan changed the store")

        // --max-delete with a saved plan is enforced, not dropped.
        let limited = await repo.run(["apply", "--env", "dev", "reviewed.plan", "--max-delete", "0"])
        #expect(limited.code == 1)
        #expect(limited.err.contains("more than --max-delete 0"), "\(limited.err)")
        #expect(try await repo.store.getBucket(repo.target) == nil)

        // A saved rollback plan is run, never only shown: options that show are refused.
        #expect(await repo.run(["apply", "--env", "dev", "reviewed.plan"]).code == 0)
        #expect(await repo.run(["rollback", "--env", "dev", "--to", "0", "--out", "undo.plan"]).code == 0)
        let shown = await repo.run(["rollback", "--env", "dev", "undo.plan", "--plan-only"])
        #expect(shown.code == 1)
        #expect(shown.err.contains("--plan-only would only show a plan"), "\(shown.err)")
        #expect(try await repo.store.getBucket(repo.target) != nil, "--plan-only with a saved rollback plan rolled back")
    }
}
