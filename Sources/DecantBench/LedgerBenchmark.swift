import DecantCore
import DecantState
import Foundation

/// The ledger's write rate: ROWS copies recorded in batches of 10,000 into a new
/// state file, as apply records them (names in listing order per batch, finished
/// in a scattered order within it), then streamed back as the planner reads them.
enum LedgerBenchmark {
    static func run(rows total: Int, directory: String) async throws {
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let copiedAt = Date(timeIntervalSince1970: 1_790_000_000)
        let state = try StateStore.open(path: directory + "/ledger.db", clock: FixedClock(copiedAt))
        let serial = try await state.beginRun(kind: .apply, planDigest: nil)
        let batchSize = 10_000
        func name(_ i: Int) -> String {
            let n = i / batchSize * batchSize + (i % batchSize &* 7_919) % batchSize
            return "historization/tracking/\(n / max(1, total / 100))/part-\(String(format: "%07d", n)).parquet"
        }
        var recording = 0.0, cpu = 0.0
        for start in stride(from: 0, to: total, by: batchSize) {
            let batch = (start..<min(start + batchSize, total)).map { i in
                CopyRecord(key: CopyKey(sourceBucket: "data-bucket-dev", sourceName: name(i), sourceGeneration: Int64(1_700_000_000_000_000 + i),
                                        targetBucket: "archive-bucket-dev", targetName: "archives/" + name(i)),
                           migration: "historization", content: ContentIdentity(size: 4096, crc32c: "yZRlqg==", md5: "CY9rzUYh03PK3k6DJie09g=="),
                           sourceCreated: copiedAt, targetGeneration: Int64(1_790_000_000_000_000 + i), copiedAt: copiedAt,
                           verification: Verification(level: .checksum, at: copiedAt))
            }
            let began = Date(), cpuBefore = DiffBenchmark.cpuSeconds()
            _ = try await state.recordCopies(batch, serial: serial)
            recording += Date().timeIntervalSince(began)
            cpu += DiffBenchmark.cpuSeconds() - cpuBefore
        }
        let began = Date()
        var streamed = 0
        for try await page in state.verifiedCopies(sourceBucket: "data-bucket-dev", prefix: "historization/", pageSize: 5_000) {
            streamed += page.count
        }
        let reading = Date().timeIntervalSince(began)
        print(String(format: "ledger: recorded %d rows in %.2f s (%.0f rows/s, %.2f s CPU); streamed %d back in %.2f s",
                     total, recording, Double(total) / recording, cpu, streamed, reading))
    }
}
