#if canImport(Glibc)
import Glibc
#endif
import DecantStorage
import Foundation
import Testing
import TestSupport

/// DESIGN.md §4 invariant 6, first half: two applies on one state never run at
/// once. The second fails fast naming the holder; a lock left by a killed apply
/// is reported as stale and only `decant state unlock --env ENV ID` removes it.
@Suite struct LockTests {
    static func localWorkspace(_ label: String, objects: Int) async throws -> (MigrationFixture, DecantWorkspace) {
        let fixture = MigrationFixture(storage: "{ provider: local, root: store }", count: objects)
        let workspace = try DecantWorkspace(label: label, plan: fixture.planYAML())
        try await fixture.fill(LocalStore(root: workspace.storePath))
        return (fixture, workspace)
    }

    /// Waits until the child holds the state lock (the lock file names its pid).
    static func waitForLock(_ child: DecantProcess, _ workspace: DecantWorkspace) async -> Bool {
        await child.waitUntil(timeout: 60) {
            guard let data = FileManager.default.contents(atPath: workspace.lockPath),
                  let lock = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            return (lock["pid"] as? NSNumber)?.int32Value == child.pid
        }
    }

    @Test func aSecondApplyOnTheSameStateFailsFastNamingTheHolder() async throws {
        let (fixture, workspace) = try await Self.localWorkspace("decant-lock", objects: 1500)
        defer { workspace.remove() }
        let first = try workspace.start(MigrationFixture.applyArguments)
        #expect(await Self.waitForLock(first, workspace), "the first apply never took the lock")
        let second = try await workspace.decant(MigrationFixture.applyArguments, timeout: 60)
        let stillRunning = first.isRunning
        let firstResult = await first.wait(timeout: 300)

        #expect(stillRunning, "the first apply ended before the second was refused; the test proves nothing (make it longer)")
        #expect(second.status == 1, "\(second)")
        #expect(second.seconds < 10, "the second apply should fail fast, not wait: \(second)")
        var host = [UInt8](repeating: 0, count: 256)
        gethostname(&host, host.count)
        let hostName = String(decoding: host.prefix { $0 != 0 }, as: UTF8.self)
        #expect(second.stderr.contains("is locked by") && second.stderr.contains("pid \(first.pid)") && second.stderr.contains(hostName)
                && second.stderr.contains("still running"), "the refusal should name the holder's pid \(first.pid) and host \(hostName): \(second)")
        #expect(firstResult.status == 0, "\(firstResult)")
        try await ConvergenceChecks.checkConverged(fixture, store: LocalStore(root: workspace.storePath), workspace: workspace,
                                                   label: "the apply that held the lock")
        // The refused one left no run behind.
        let state = try #require(try StateSnapshot(copying: workspace.statePath))
        #expect(try state.int("SELECT COUNT(*) FROM runs") == 1)
    }

    @Test func aDeadApplysLockIsReportedAndOnlyUnlockRemovesIt() async throws {
        let (fixture, workspace) = try await Self.localWorkspace("decant-stale-lock", objects: 600)
        defer { workspace.remove() }
        let killed = try workspace.start(MigrationFixture.applyArguments + ["--json"])
        _ = await killed.waitUntil(timeout: 60) { killed.stdoutSoFar.contains("\"kind\":\"copy\"") }
        killed.signal(SIGKILL)
        let result = await killed.wait(timeout: 60)
        try #require(result.signal == SIGKILL, "the apply finished before it could be killed: \(result)")
        let id = try #require(workspace.lockID(), "a killed apply leaves its lock")

        // Refused, twice: nothing takes a dead process's lock over by itself.
        for attempt in 1...2 {
            let refused = try await workspace.decant(MigrationFixture.applyArguments, timeout: 60)
            #expect(refused.status == 1 && refused.stderr.contains("pid \(killed.pid)") && refused.stderr.contains("stale lock")
                    && refused.stderr.contains("decant state unlock --env ENV \(id)"), "attempt \(attempt): \(refused)")
        }
        let shown = try await workspace.decant(["state", "show", "--env", "dev"])
        #expect(shown.stdout.contains("lock         held by") && shown.stdout.contains("pid \(killed.pid)") && shown.stdout.contains(id), "\(shown)")
        // A wrong id removes nothing.
        let wrong = try await workspace.decant(["state", "unlock", "--env", "dev", "00000000-0000-0000-0000-000000000000"])
        #expect(wrong.status != 0 && workspace.lockID() == id, "\(wrong)")
        let unlocked = try await workspace.decant(["state", "unlock", "--env", "dev", id])
        #expect(unlocked.status == 0 && unlocked.stdout.contains("Removed lock \(id)") && workspace.lockID() == nil, "\(unlocked)")

        let resumed = try await workspace.decant(MigrationFixture.applyArguments)
        #expect(resumed.status == 0, "\(resumed)")
        try await ConvergenceChecks.checkConverged(fixture, store: LocalStore(root: workspace.storePath), workspace: workspace,
                                                   label: "after unlocking a dead apply's lock")
    }

    /// A run whose lock someone removed with `decant state unlock` while it ran may
    /// have raced another run: it ends with an error and is recorded as failed,
    /// never as succeeded (issue 14, defect 10).
    @Test func aRunWhoseLockWasRemovedIsNotRecordedAsSucceeded() async throws {
        let (_, workspace) = try await Self.localWorkspace("decant-lock-taken", objects: 3000)
        defer { workspace.remove() }
        let child = try workspace.start(MigrationFixture.applyArguments + ["--json"])
        #expect(await Self.waitForLock(child, workspace), "apply never took the lock")
        #expect(await child.waitUntil(timeout: 60) { child.stdoutSoFar.contains("\"kind\":\"copy\"") }, "apply never started copying")
        let id = try #require(workspace.lockID())
        let unlocked = try await workspace.decant(["state", "unlock", "--env", "dev", id])
        let wasRunning = child.isRunning
        #expect(unlocked.status == 0, "\(unlocked)")
        let result = await child.wait(timeout: 300)
        #expect(wasRunning, "apply ended before its lock was removed; the test proves nothing (make it longer)")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("is gone or was replaced"), "\(result)")
        let history = try await workspace.decant(["state", "history", "--env", "dev"])
        #expect(history.stdout.contains("1       apply     failed"), "\(history.stdout)")
        #expect(history.stdout.contains("its lock was removed while it ran"), "\(history.stdout)")
    }
}
