import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// `--now` is for reproducible plans and tests (issue 14, defect 8): ahead of the
/// real clock it does not let apply delete a source whose validation period the
/// real clock has not seen pass, unless `--allow-future-now` says so, and then the
/// state history records it.
@Suite struct PinnedClockTests {
    static func rfc3339(_ date: Date, fractional: Bool = false) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.string(from: date)
    }

    @Test func aNowAheadOfTheRealClockDeletesNothingTheRealClockStillHolds() async throws {
        let repo = try await CLIRepo(.local, cleanupAfterDays: 7)
        defer { repo.remove() }
        // Copied and verified now, by the real clock; the validation period ends in 7 days.
        let apply = await repo.run(["apply", "--env", "dev", "--auto-approve"])
        #expect(apply.code == 0, "\(apply.err)")
        let instant = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 8 * 86_400).rounded(.down))
        let future = Self.rfc3339(instant)

        let plan = await repo.run(["plan", "--env", "dev", "--now", future])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(!plan.out.contains("delete_source"), "a --now ahead of the real clock plans deletions:\n\(plan.out)")
        #expect(plan.out.contains("is ahead of the real clock"), "\(plan.out)")
        let early = await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", future])
        #expect(early.code == 0, "\(early.err)")
        #expect(try await repo.records(repo.source, prefix: CLIRepo.migrated).count == repo.migratedOriginals.count,
                "apply deleted sources whose validation period the real clock has not seen pass")

        // Said explicitly: --now decides, and the history says so.
        let allowed = await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", future, "--allow-future-now"])
        #expect(allowed.code == 0, "\(allowed.err)")
        #expect(allowed.out.contains("--allow-future-now: validation periods and retention are judged at --now"), "\(allowed.out)")
        #expect(try await repo.records(repo.source, prefix: CLIRepo.migrated).isEmpty)
        let history = await repo.run(["state", "history", "--env", "dev"])
        #expect(history.out.contains("clock pinned by --now to \(Self.rfc3339(instant, fractional: true)), ahead of the real clock: sources deleted by it (--allow-future-now)"),
                "\(history.out)")
    }
}
