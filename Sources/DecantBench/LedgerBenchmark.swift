import DecantCore
import DecantState
import Foundation

/// The ledger's write and read rates. ROWS verified copies are recorded into a new
/// state file, either with `StateStore.recordCopies` in batches of 10,000 (as apply
/// records them) or, with `bulk`, through `recordVerifiedCopies` in one call (as a
/// Storage Transfer Service job's copies are recorded); then the state is reopened
/// and the prefix read back in key order as planning reads it (`ledgerEntries`,
/// pages of 5,000). The rows are those of LedgerScaleTests; bench/peers/sqlite_ledger.py
/// writes the same rows with Python's sqlite3 for comparison.
enum LedgerBenchmark {
    static let batchSize = 10_000
    static let prefix = "historization/"

    static func run(rows total: Int, path: String, bulk: Bool) async throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let copiedAt = Date(timeIntervalSince1970: 1_790_000_000)
        let state = try StateStore.open(path: path, clock: FixedClock(copiedAt))
        let serial = try await state.beginRun(kind: .apply, planDigest: nil)
        let batches = stride(from: 0, to: total, by: batchSize).map { start in
            (start..<min(start + batchSize, total)).map { record($0, total: total, copiedAt: copiedAt) }
        }
        var recording = Measurement()
        if bulk {
            let all = Array(batches.joined())
            let result = try await recording.time { try await state.recordVerifiedCopies(all, serial: serial) }
            guard result.inserted == total else { throw BenchError("recorded \(result.inserted) of \(total) rows") }
        } else {
            for batch in batches {
                let result = try await recording.time { try await state.recordCopies(batch, serial: serial) }
                guard result.inserted == batch.count else { throw BenchError("recorded \(result.inserted) of \(batch.count) rows") }
            }
        }
        try await state.finishRun(serial: serial, status: .succeeded)
        await state.close()
        print(String(format: "ledger: rows=%d seconds=%.4f rate=%.0f cpu=%.4f", total, recording.seconds,
                     Double(total) / recording.seconds, recording.cpu))

        let reopened = try StateStore.open(path: path, clock: FixedClock(copiedAt))
        var reading = Measurement()
        let read = try await reading.time {
            var count = 0
            for try await page in reopened.ledgerEntries(sourceBucket: "data-bucket-dev", prefix: prefix, pageSize: 5000) {
                count += page.count
            }
            return count
        }
        await reopened.close()
        guard read == total else { throw BenchError("read \(read) of \(total) rows back") }
        print(String(format: "read: rows=%d seconds=%.4f rate=%.0f cpu=%.4f", read, reading.seconds, Double(read) / reading.seconds,
                     reading.cpu))
    }

    /// Row `i` of `total`: batches follow the listing; within a batch, objects finish in a scattered order.
    static func record(_ i: Int, total: Int, copiedAt: Date) -> CopyRecord {
        let n = i / batchSize * batchSize + (i % batchSize &* 7_919) % batchSize
        let number = String(n)
        let name = prefix + "tracking/\(n / max(1, total / 100))/part-\(String(repeating: "0", count: max(0, 7 - number.count)) + number).parquet"
        return CopyRecord(key: CopyKey(sourceBucket: "data-bucket-dev", sourceName: name, sourceGeneration: Int64(1_700_000_000_000_000 + i),
                                       targetBucket: "archive-bucket-dev", targetName: "archives/" + name),
                          migration: "historization", content: ContentIdentity(size: 4096, crc32c: "yZRlqg==", md5: "CY9rzUYh03PK3k6DJie09g=="),
                          sourceCreated: copiedAt, targetGeneration: Int64(1_790_000_000_000_000 + i), copiedAt: copiedAt,
                          verification: Verification(level: .checksum, at: copiedAt))
    }
}

/// Wall and CPU seconds (of the whole process: it does nothing else meanwhile) spent in timed calls.
struct Measurement {
    var seconds = 0.0
    var cpu = 0.0

    mutating func time<T>(_ body: () async throws -> T) async throws -> T {
        let began = DispatchTime.now().uptimeNanoseconds, cpuBefore = DiffBenchmark.cpuSeconds()
        let value = try await body()
        seconds += Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        cpu += DiffBenchmark.cpuSeconds() - cpuBefore
        return value
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
