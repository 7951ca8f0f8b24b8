import DecantCodeRefs
import DecantCore
import Dispatch
import Foundation
import Testing

/// Times `CodeScanner.scan` in-process on the tree bench/scan/generate.py writes
/// (`bench/run scan` times `decant-bench scan` against ripgrep instead). Runs only
/// with `DECANT_BENCH=1` (and `DECANT_BENCH_ROOT`), in release mode: never in CI.
@Suite struct ScanBenchmark {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["DECANT_BENCH"] == "1" && environment["DECANT_BENCH_ROOT"] != nil))
    func scanGeneratedTree() async throws {
        let root = try #require(Self.environment["DECANT_BENCH_ROOT"])
        let runs = Int(Self.environment["DECANT_BENCH_RUNS"] ?? "5") ?? 5
        let options = CodeScanOptions(root: root, sourceRefs: FixtureRepo.sourceRefs, environment: "dev",
                                      otherEnvironmentBuckets: FixtureRepo.otherEnvironments)
        let migrations = FixtureRepo.plan().migrations
        var times: [Double] = []
        var last: CodeScan?
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            last = try await CodeScanner.scan(options, migrations: migrations)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let scan = try #require(last)
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        print(String(format: "decant-scan: files=%d bytes=%d references=%d unresolved=%d median=%.4fs min=%.4fs",
                     scan.filesScanned, scan.bytesScanned, scan.references.count, scan.unresolved.count, median, sorted[0]))
        #expect(scan.filesScanned > 0)
        #expect(!scan.references.isEmpty)
    }
}
