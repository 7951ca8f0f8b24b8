import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation

/// Resuming an interrupted apply at scale (issue 19, goal 6), as a user lives it:
/// `decant apply` is cut short part way (here the store's endpoint stops answering
/// after a number of copies, the way `EndpointHealth` stops a run against GCS, with
/// a few copies made whose answer never came), then `decant apply` runs again: it
/// plans again against the same state file and converges.
///
/// `run` is the interrupted apply (the apply benchmark's fixture and plan); it leaves
/// in `directory` the state file, the store's written targets and what it did, then
/// runs `finish` in a process of its own (`decant-bench resume-finish DIR`), so that
/// the peak RSS printed for the resume is the resume's alone.
enum ResumeBenchmark {
    /// Copies in flight when the endpoint dies whose answer is lost: made, never recorded.
    static let lostAnswers = 64

    static func run(sources: Int, copied: Int, directory: String, fraction: Double) async throws {
        try await interrupt(sources: sources, copied: copied, directory: directory, fraction: fraction)
        // The resume, in a new process on the same directory.
        let finish = Process()
        finish.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        finish.arguments = ["resume-finish", directory]
        try finish.run()
        finish.waitUntilExit()
        guard finish.terminationStatus == 0 else { throw BenchError("decant-bench resume-finish \(directory) failed") }
    }

    /// The first apply, stopped after about `fraction` of its copies. Checks it ended
    /// failed with that many copies made and recorded, and leaves what the resume needs.
    static func interrupt(sources: Int, copied: Int, directory: String, fraction: Double) async throws {
        let fixture = try await DiffBenchmark.fixture(sources: sources, copied: copied, directory: directory, writable: true)
        guard let written = fixture.store.written else { fatalError("the resume benchmark's store is writable") }
        let changes = try await Planner(store: fixture.store, state: fixture.state, clock: fixture.clock)
            .plan(fixture.plan, options: fixture.options)
        guard !changes.hasErrors else { throw BenchError("the plan has errors") }
        let toCopy = changes.summary.copy.objects
        let stopAfter = Int(Double(toCopy) * fraction)
        fixture.store.outage.stop(afterCopies: stopAfter, lostAnswers: lostAnswers)
        let before = DiffBenchmark.cpuSeconds()
        var serial: Int64 = 0
        do {
            let result = try await Applier(store: fixture.store, state: fixture.state, clock: fixture.clock)
                .apply(changes, options: ApplyOptions())
            throw BenchError("the first apply was not interrupted: it ended \(result.status.rawValue)")
        } catch let EngineError.endpointUnavailable(_, runSerial, _, _, _) {
            serial = runSerial
        }
        let cpu = DiffBenchmark.cpuSeconds() - before
        let counts = fixture.store.outage.counts
        let stats = try await fixture.state.stats()
        let run = try await fixture.state.history().first { $0.run.serial == serial }
        let recorded = stats.currentCopies - copied, verified = stats.verifiedCopies - copied
        // Written at once (not buffered as `print` is): the resume's process prints after it.
        FileHandle.standardOutput.write(Data((String(format: "interrupted: %d sources, %d copied before, %d to copy: the endpoint stopped answering after %d copies (%d more made with their answer lost, %d refused); run %d ended %@ after %.2f s CPU, peak RSS %.0f MiB; ledger %d copies recorded by it, %d verified, %d targets written",
                     sources, copied, toCopy, counts.made, counts.lost, counts.refused, serial, run?.run.status.rawValue ?? "?",
                     cpu, DiffBenchmark.peakRSSMiB(), recorded, verified, written.count) + "\n").utf8))
        // The run failed, with about `fraction` of the copies made and the ones answered recorded.
        guard run?.run.status == .failed, counts.made == stopAfter, written.count == stopAfter + counts.lost,
              recorded <= stopAfter, recorded >= stopAfter - 10 * ApplyOptions().parallelism, verified <= recorded else {
            throw BenchError("the interrupted apply did not stop as it should (see the counts above)")
        }
        try written.save(to: directory + "/written.bits")
        try "\(sources) \(copied)\n".write(toFile: directory + "/resume.txt", atomically: true, encoding: .utf8)
        await fixture.state.close()
    }

    /// The resume: plans and applies again on the state file `interrupt` left, against
    /// a store holding what the interrupted run wrote, its endpoint answering again.
    /// Checks every source is then copied once and verified in the ledger.
    static func finish(directory: String) async throws {
        let saved = try String(contentsOfFile: directory + "/resume.txt", encoding: .utf8).split(whereSeparator: \.isWhitespace)
        guard saved.count == 2, let sources = Int(saved[0]), let copied = Int(saved[1]) else {
            throw BenchError("\(directory)/resume.txt is not what decant-bench resume writes")
        }
        let store = DiffBenchmark.store(sources: sources, copied: copied, writable: true)
        guard let written = store.written else { fatalError("the resume benchmark's store is writable") }
        try written.load(from: directory + "/written.bits")
        let writtenBefore = written.count
        let clock = FixedClock(CalendarDay("2026-11-20")!.startDate)
        let rssStart = peakRSSMiB()
        let state = try StateStore.open(path: directory + "/bench.db", clock: clock)
        let before = try await state.stats()
        let (plan, options) = DiffBenchmark.planAndOptions()

        // What generating the listings costs the fixture (the store as the interrupted run left it), subtracted as the diff benchmark does.
        let fixtureCPU = try await DiffBenchmark.generationCPU(store, "source-bucket", prefix: "events/", count: sources)
            + DiffBenchmark.generationCPU(store, "target-bucket", prefix: "archive/", count: copied + writtenBefore)
        let planBefore = DiffBenchmark.cpuSeconds()
        let (changes, statistics) = try await Planner(store: store, state: state, clock: clock).planMeasured(plan, options: options)
        let planCPU = DiffBenchmark.cpuSeconds() - planBefore - fixtureCPU
        guard !changes.hasErrors else { throw BenchError("the resume's plan has errors") }
        let rssPlanned = peakRSSMiB()
        let toCopy = changes.summary.copy.objects, toAdopt = changes.summary.adopt.objects
        // The planner's note: how many of the objects to adopt an interrupted run of decant wrote (its open copy intents).
        let interrupted = changes.migrations.flatMap(\.warnings).first { $0.contains("interrupted run of decant") }
            .flatMap { Int($0.prefix { $0.isNumber }) } ?? 0

        let applyBefore = DiffBenchmark.cpuSeconds()
        let started = Date()
        let result = try await Applier(store: store, state: state, clock: clock).apply(changes, options: ApplyOptions())
        let applyCPU = DiffBenchmark.cpuSeconds() - applyBefore
        let wall = Date().timeIntervalSince(started)
        let after = try await state.stats()
        let copiedNow = result.total([.copy]).objects
        print(String(format: "resume: %d sources, %d copied before, %d targets written and %d copies recorded (%d verified) by the interrupted run: the resume's plan listed %d objects (%d sources and %d targets) in %.2f s CPU besides %.2f s generating the listings, planned %d copies and %d adoptions (%d written by the interrupted run, per its open copy intents); the apply copied %d and added %d rows to the ledger in %.2f s CPU, %.2f s wall; peak RSS %.0f MiB (%.0f MiB after planning, %.0f MiB at start); run %@ (%d actions, %d failed); ledger %d copies, %d verified, %d adopted",
                     sources, copied, writtenBefore, before.currentCopies - copied, before.verifiedCopies - copied,
                     statistics.objectsListed, sources, statistics.objectsListed - sources, planCPU, fixtureCPU, toCopy, toAdopt, interrupted,
                     copiedNow, after.currentCopies - before.currentCopies, applyCPU, wall, peakRSSMiB(), rssPlanned,
                     rssStart, result.status.rawValue, result.outcomes.count, result.failed.count,
                     after.currentCopies, after.verifiedCopies, after.adoptedCopies))
        // Converged: every source copied once (each target written once, the resume copying only what was left), verified.
        // The adoptions: every target the interrupted run wrote and did not verify; of them, those it never
        // heard back about are decant's by its open intents (no copy in the ledger is adopted).
        guard result.status == .succeeded, copiedNow == toCopy, toCopy == sources - copied - writtenBefore,
              written.count == sources - copied, after.currentCopies == sources, after.verifiedCopies == sources,
              toAdopt == writtenBefore - (before.verifiedCopies - copied),
              interrupted == writtenBefore - (before.currentCopies - copied), after.adoptedCopies == 0 else {
            throw BenchError("the resume did not converge: \(result.failed.first?.errors.first ?? "see the counts above")")
        }
        await state.close()
    }

    /// This process's peak resident set: `VmHWM`, which exec starts afresh (the
    /// `ru_maxrss` of a process spawned by another starts at its parent's peak on
    /// Linux); `ru_maxrss` where there is no /proc.
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
            return DiffBenchmark.peakRSSMiB()
        }
        return kib / 1024
    }
}
