import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation

/// `decant apply`'s memory at scale (issue 19): the diff benchmark's plan (same
/// generated listings, same real state file), then applied in the same process as
/// the CLI does, through the public `Applier`, against a store where copies
/// succeed without storing bytes (`GeneratedStore.Written`: one bit a target).
/// Every copy is journaled, recorded and verified by the real state code. The
/// peak RSS printed is the whole process's, planning included: what `decant
/// apply` (which plans first) peaks at.
enum ApplyBenchmark {
    static func run(sources: Int, copied: Int, directory: String) async throws {
        let fixture = try await DiffBenchmark.fixture(sources: sources, copied: copied, directory: directory, writable: true)
        guard let written = fixture.store.written else { fatalError("the apply benchmark's store is writable") }
        let planCPUBefore = DiffBenchmark.cpuSeconds()
        let changes = try await Planner(store: fixture.store, state: fixture.state, clock: fixture.clock)
            .plan(fixture.plan, options: fixture.options)
        let planCPU = DiffBenchmark.cpuSeconds() - planCPUBefore
        guard !changes.hasErrors else {
            throw BenchError("the plan has errors: \(changes.diagnostics.errors.map { String(describing: $0) }.joined(separator: "; "))")
        }
        let toCopy = changes.summary.copy.objects
        let rssBefore = DiffBenchmark.peakRSSMiB()
        if ProcessInfo.processInfo.environment["DECANT_BENCH_RSS_TRACE"] != nil {
            FileHandle.standardError.write(Data(String(format: "rss: after planning, %.0f MiB resident now (%.0f MiB peak)\n",
                                                       currentRSSMiB(), rssBefore).utf8))
        }
        let before = DiffBenchmark.cpuSeconds()
        let started = Date()
        // DECANT_BENCH_RSS_TRACE=SECONDS: the resident set now, every SECONDS during the apply (on stderr),
        // to tell memory held from the start from memory growing with the copies made.
        let trace = Double(ProcessInfo.processInfo.environment["DECANT_BENCH_RSS_TRACE"] ?? "").map { interval in
            Task {
                while !Task.isCancelled {
                    FileHandle.standardError.write(Data(String(format: "rss: %.1f s into the apply, %.0f MiB resident now (%.0f MiB peak)\n",
                                                               Date().timeIntervalSince(started), currentRSSMiB(), DiffBenchmark.peakRSSMiB()).utf8))
                    try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                }
            }
        }
        let result = try await Applier(store: fixture.store, state: fixture.state, clock: fixture.clock)
            .apply(changes, options: ApplyOptions())
        trace?.cancel()
        let cpu = DiffBenchmark.cpuSeconds() - before
        let wall = Date().timeIntervalSince(started)
        let peak = DiffBenchmark.peakRSSMiB()
        let copiedNow = result.total([.copy]).objects
        // What the run left: every source copied once, recorded and verified.
        let stats = try await fixture.state.stats()
        print(String(format: "apply: %d sources, %d copied before: %d objects copied in %.2f s CPU (%.2f µs an object), %.2f s wall, peak RSS %.0f MiB (%.0f MiB peak before applying; the fixture's written-target bits %.1f MiB); planning %.2f s CPU; run %@ (%d actions, %d failed); ledger %d copies, %d verified",
                     sources, copied, copiedNow, cpu, cpu / Double(max(1, copiedNow)) * 1e6, wall, peak, rssBefore,
                     Double(written.bytes) / 1_048_576, planCPU, result.status.rawValue, result.outcomes.count, result.failed.count,
                     stats.currentCopies, stats.verifiedCopies))
        if trace != nil { FileHandle.standardError.write(Data(String(format: "rss: after the apply, %.0f MiB resident now\n", currentRSSMiB()).utf8)) }
        guard result.status == .succeeded, copiedNow == toCopy, written.count == toCopy,
              stats.currentCopies == copied + toCopy, stats.verifiedCopies == copied + toCopy else {
            throw BenchError("the apply did not copy and verify all \(toCopy) planned objects: \(result.failed.first?.errors.first ?? "see the counts above")")
        }
    }

    /// The resident set now (Linux: `/proc/self/statm`, in pages); 0 where there is none.
    static func currentRSSMiB() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
