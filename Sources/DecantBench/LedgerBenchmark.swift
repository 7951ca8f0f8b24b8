import DecantCore
import DecantState
import Foundation

/// The ledger's write rate: ROWS copies recorded with `StateStore.recordCopies`
/// in batches of 10,000 (as apply records them), into a new state file. The rows
/// are those of LedgerScaleTests; bench/peers/sqlite_ledger.py writes the same rows
/// with Python's sqlite3 for comparison.
enum LedgerBenchmark {
    static let batchSize = 10_000

    static func run(rows total: Int, path: String) async throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let copiedAt = Date(timeIntervalSince1970: 1_790_000_000)
        let state = try StateStore.open(path: path, clock: FixedClock(copiedAt))
        let serial = try await state.beginRun(kind: .apply, planDigest: nil)
        // Batches follow the listing; within a batch, objects finish in a scattered order.
        func name(_ i: Int) -> String {
            let n = i / batchSize * batchSize + (i % batchSize &* 7_919) % batchSize
            let folder = String(n / max(1, total / 100))
            let number = String(n)
            return "historization/tracking/\(folder)/part-\(String(repeating: "0", count: max(0, 7 - number.count)) + number).parquet"
        }
        var seconds = 0.0
        for start in stride(from: 0, to: total, by: batchSize) {
            let batch = (start..<min(start + batchSize, total)).map { i in
                CopyRecord(key: CopyKey(sourceBucket: "data-bucket-dev", sourceName: name(i), sourceGeneration: Int64(1_700_000_000_000_000 + i),
                                        targetBucket: "archive-bucket-dev", targetName: "archives/" + name(i)),
                           migration: "historization", content: ContentIdentity(size: 4096, crc32c: "yZRlqg==", md5: "CY9rzUYh03PK3k6DJie09g=="),
                           sourceCreated: copiedAt, targetGeneration: Int64(1_790_000_000_000_000 + i), copiedAt: copiedAt,
                           verification: Verification(level: .checksum, at: copiedAt))
            }
            let began = DispatchTime.now().uptimeNanoseconds
            let result = try await state.recordCopies(batch, serial: serial)
            seconds += Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
            guard result.inserted == batch.count else { throw BenchError("recorded \(result.inserted) of \(batch.count) rows") }
        }
        try await state.finishRun(serial: serial, status: .succeeded)
        await state.close()
        print(String(format: "ledger: rows=%d seconds=%.4f rate=%.0f", total, seconds, Double(total) / seconds))
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
