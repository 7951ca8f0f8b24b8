#if canImport(Glibc)
import Glibc
#endif
import DecantCore
import DecantStorage
import Foundation
import Testing
import TestSupport

/// DESIGN.md §4 invariant 5: "a crash at any moment is repaired by running apply
/// again, with nothing lost and nothing duplicated", and invariant 1 at every
/// moment in between. The real `decant apply` moves 3,000 objects (half copied
/// with a rename, half moved: copied, verified and deleted from the source by a
/// cleanup whose validation period has passed at `--now`) and is killed with
/// SIGKILL at random moments; after each kill the store and the state are
/// checked, the stale lock is removed with `decant state unlock`, and apply runs
/// again (and is killed again) until it completes. Then `rollback --to 0` must
/// leave nothing decant made: what a killed apply copied is decant's, never
/// "adopted" (issue 14, defect 1).
///
/// Kill moments: one uninterrupted apply first measures how long a whole apply
/// takes here (and is itself checked); then every kill falls at a uniformly random
/// point of that duration, in a first apply or in the apply resuming it, so that
/// planning, copying, verifying, deleting and resuming are all hit. The seed is
/// printed; `DECANT_CRASH_SEED=N` replays the same moments.
@Suite(.serialized) struct CrashTests {
    static let objects = 3000
    static let kills = 10

    static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["DECANT_CRASH_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64(UInt32.max))
    }

    @Test func killedAppliesOnTheLocalStoreConverge() async throws {
        let fixture = MigrationFixture(storage: "{ provider: local, root: store }", count: Self.objects)
        try await runScenarios(store: "local", killsPerScenario: 2, prepare: {
            // A fresh source each time (one batched import; faster than copying a
            // filled store's 3,000 files on this disk).
            let workspace = try DecantWorkspace(label: "decant-crash-local", plan: fixture.planYAML())
            try await fixture.fill(LocalStore(root: workspace.storePath))
            return (fixture, workspace)
        }, checkCrashPoint: { fixture, workspace, state, label in
            // The live store, as the next apply finds it: reads change nothing (a
            // write a kill interrupted is repaired by the next writer, see PendingChange).
            try await ConvergenceChecks.checkCrashPoint(fixture, store: LocalStore(root: workspace.storePath), state: state, label: label)
        }, checkConverged: { fixture, workspace, label in
            try await ConvergenceChecks.checkConverged(fixture, store: LocalStore(root: workspace.storePath), workspace: workspace, label: label)
        }, checkRolledBack: { fixture, workspace, label in
            try await ConvergenceChecks.checkRolledBackToZero(fixture, store: LocalStore(root: workspace.storePath), workspace: workspace, label: label)
        })
    }

    @Test func killedAppliesOnFakeGCSServerConverge() async throws {
        let url = try Emulators.require(.fakeGCS)
        let line = "{ provider: gcs, project: test, endpoint: \"\(url.absoluteString)\", emulator: fake-gcs-server }"
        let store = GCSStore(endpoint: GCSEndpoint(baseURL: url, isEmulator: true), profile: .fakeGCSServer, project: "test",
                             tokens: nil, transport: HTTPTransports.standard(maxConnectionsPerHost: 16), retry: StoreHarness.fastRetry)
        // Three kills in a row per scenario: filling the emulator is the slow part.
        try await runScenarios(store: "fake-gcs-server", killsPerScenario: 3, prepare: {
            // Fresh buckets per scenario (the emulator keeps everything in memory).
            let fixture = MigrationFixture(storage: line, count: Self.objects)
            try await fixture.fill(store)
            return (fixture, try DecantWorkspace(label: "decant-crash-gcs", plan: fixture.planYAML()))
        }, checkCrashPoint: { fixture, _, state, label in
            try await ConvergenceChecks.checkCrashPoint(fixture, store: store, state: state, label: label)
        }, checkConverged: { fixture, workspace, label in
            try await ConvergenceChecks.checkConverged(fixture, store: store, workspace: workspace, readBack: 600, label: label)
        }, checkRolledBack: { fixture, workspace, label in
            try await ConvergenceChecks.checkRolledBackToZero(fixture, store: store, workspace: workspace, label: label)
        })
    }

    /// Scenario 0 applies without a kill (and measures a whole apply); each later
    /// scenario starts from a full source and kills apply at random moments, two
    /// (local) or three (emulator) runs in a row at most, then lets it finish and checks convergence, until
    /// `CrashTests.kills` applies were killed.
    func runScenarios(store: String, killsPerScenario: Int,
                      prepare: () async throws -> (MigrationFixture, DecantWorkspace),
                      checkCrashPoint: (MigrationFixture, DecantWorkspace, StateSnapshot?, String) async throws -> String,
                      checkConverged: (MigrationFixture, DecantWorkspace, String) async throws -> Void,
                      checkRolledBack: (MigrationFixture, DecantWorkspace, String) async throws -> Void) async throws {
        let seed = Self.seed()
        var random = SplitMix64(seed: seed)
        print("crash test (\(store)): seed \(seed) (replay with DECANT_CRASH_SEED=\(seed))")
        let started = ContinuousClock.now
        var kills = 0, finishedFirst = 0, scenario = 0, attempts = 0
        var duration = 0.0
        while kills < Self.kills {
            try #require(scenario <= 2 * Self.kills, "only \(kills) applies could be killed in \(scenario) scenarios (seed \(seed))")
            let scenarioStarted = ContinuousClock.now
            let (fixture, workspace) = try await prepare()
            let prepared = DecantProcess.seconds(ContinuousClock.now - scenarioStarted)
            defer { workspace.remove() }
            let rounds = scenario == 0 ? 0 : min(killsPerScenario, Self.kills - kills)
            for round in 0..<rounds {
                let moment = KillMoment.pick(&random, phase: attempts, duration: duration)
                attempts += 1
                let label = "\(store) scenario \(scenario) round \(round) (seed \(seed)), kill \(moment)"
                let child = try workspace.start(MigrationFixture.applyArguments + ["--json"])
                try await moment.wait(for: child)
                if child.isRunning { child.signal(SIGKILL) }
                let result = await child.wait(timeout: 600)
                guard result.signal == SIGKILL else {
                    #expect(result.status == 0, "\(label): \(result)")
                    finishedFirst += 1
                    break
                }
                kills += 1
                let state = try StateSnapshot(copying: workspace.statePath)
                let progress = try await checkCrashPoint(fixture, workspace, state, label)
                print("  \(label): \(progress)")
                // The dead apply's lock: refused (naming it stale), removed only by `state unlock`.
                if let (refused, unlocked) = try await workspace.unlockAfterCrash(label) {
                    #expect(refused.status != 0 && refused.stderr.contains("stale lock") && refused.stderr.contains("decant state unlock"),
                            "\(label): an apply after the crash should refuse the dead process's lock: \(refused)")
                    #expect(unlocked.status == 0, "\(label): state unlock: \(unlocked)")
                }
            }
            let checked = ContinuousClock.now
            let final = try await workspace.decant(MigrationFixture.applyArguments)
            #expect(final.status == 0, "\(store) scenario \(scenario), the apply that finishes: \(final)")
            if scenario == 0 {
                try #require(final.status == 0, "the uninterrupted apply must succeed to measure kill moments")
                duration = final.seconds
                print(String(format: "  %@: an uninterrupted apply of %d objects takes %.2f s", store, Self.objects, duration))
            }
            try await checkConverged(fixture, workspace, "\(store) scenario \(scenario) (seed \(seed))")
            // What the kills left is decant's: a rollback to 0 takes all of it back.
            try await checkRolledBack(fixture, workspace, "\(store) scenario \(scenario) (seed \(seed))")
            print(String(format: "  scenario %d: %.1f s in all; filling the source %.1f s, the finishing apply %.2f s, its checks %.1f s", scenario,
                         DecantProcess.seconds(ContinuousClock.now - scenarioStarted), prepared, final.seconds,
                         DecantProcess.seconds(ContinuousClock.now - checked) - final.seconds))
            scenario += 1
        }
        print(String(format: "crash test (%@): %d applies of %d objects killed with SIGKILL, %d finished before their kill, %d scenarios, %.0f s in all (seed %llu)",
                     store, kills, Self.objects, finishedFirst, scenario, DecantProcess.seconds(ContinuousClock.now - started), seed))
    }
}

/// When to kill an apply. A uniformly random moment mostly lands in the copy phase
/// (most of an apply's time), so kills cycle through targets: a random moment of
/// a whole apply, or a random moment shortly after the first copy, verify or
/// delete_source action starts (read from `--json` progress on stdout).
struct KillMoment: CustomStringConvertible {
    /// The action kind whose start arms the kill; nil: from the start of the process.
    var after: String?
    var delay: Double

    static let targets: [String?] = [nil, "copy", "verify", "delete_source"]

    static func pick(_ random: inout SplitMix64, phase: Int, duration: Double) -> KillMoment {
        let after = targets[phase % targets.count]
        let span = after == nil ? duration : duration * 0.3
        return KillMoment(after: after, delay: span * (after == nil ? 0.03 + 0.94 * random.nextUnit() : random.nextUnit()))
    }

    var description: String {
        String(format: "%.3f s after ", delay) + (after.map { "the first \($0) action started" } ?? "start")
    }

    /// Returns at the moment (or when the child ended first).
    func wait(for child: DecantProcess) async throws {
        var armed = ContinuousClock.now
        if let after {
            let marker = "\"kind\":\"\(after)\""
            while child.isRunning, !child.stdoutSoFar.contains(marker) { try await Task.sleep(for: .milliseconds(2)) }
            armed = ContinuousClock.now
        }
        while child.isRunning, DecantProcess.seconds(ContinuousClock.now - armed) < delay { try await Task.sleep(for: .milliseconds(1)) }
    }
}
