import DecantCore
@testable import DecantState
import Foundation
import Testing
import TestSupport

/// Copies recorded in batches, then streamed back: 100,000 in the test suite, a
/// million with DECANT_LEDGER_ROWS=1000000. Prints the rates; asserts only
/// correctness (the timed check lives in bench/).
@Suite struct LedgerScaleTests {
    @Test func aMillionCopiesRecordInBatchesAndStreamBackSorted() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let total = Int(ProcessInfo.processInfo.environment["DECANT_LEDGER_ROWS"] ?? "") ?? 100_000, batchSize = 10_000
        // Batches follow the listing; within a batch, objects finish in a scattered
        // order, as a task group completes them.
        func name(_ i: Int) -> String {
            let n = i / batchSize * batchSize + (i % batchSize &* 7_919) % batchSize
            return "historization/tracking/\(n / (total / 100))/part-\(String(n).leftPadded(to: 7)).parquet"
        }
        let copiedAt = Date(timeIntervalSince1970: 1_790_000_000)
        var recordSeconds = 0.0
        for start in stride(from: 0, to: total, by: batchSize) {
            let batch = (start..<start + batchSize).map { i in
                CopyRecord(key: CopyKey(sourceBucket: "data-bucket-dev", sourceName: name(i), sourceGeneration: Int64(1_700_000_000_000_000 + i),
                                        targetBucket: "archive-bucket-dev", targetName: "archives/" + name(i)),
                           migration: "historization", content: ContentIdentity(size: 4096, crc32c: "yZRlqg==", md5: "CY9rzUYh03PK3k6DJie09g=="),
                           sourceCreated: copiedAt, targetGeneration: Int64(1_790_000_000_000_000 + i), copiedAt: copiedAt,
                           verification: Verification(level: .checksum, at: copiedAt))
            }
            let began = Date()
            let result = try await store.recordCopies(batch, serial: serial)
            recordSeconds += Date().timeIntervalSince(began)
            #expect(result.inserted == batchSize)
        }
        print("ledger: recorded \(total) copies in \(String(format: "%.2f", recordSeconds)) s, \(Int(Double(total) / recordSeconds)) rows/s (batches of \(batchSize))")

        // Recording a batch again (a resumed run) adds nothing.
        let replay = (0..<batchSize).map { i in
            CopyRecord(key: CopyKey(sourceBucket: "data-bucket-dev", sourceName: name(i), sourceGeneration: Int64(1_700_000_000_000_000 + i),
                                    targetBucket: "archive-bucket-dev", targetName: "archives/" + name(i)),
                       migration: "historization", content: ContentIdentity(size: 4096, crc32c: "yZRlqg==", md5: nil),
                       targetGeneration: Int64(1_790_000_000_000_000 + i), copiedAt: copiedAt)
        }
        #expect(try await store.recordCopies(replay, serial: serial).unchanged == batchSize)
        #expect(try await store.stats().currentCopies == total)

        var began = Date()
        var count = 0
        var previous: [UInt8] = []
        var sorted = true
        for try await page in store.verifiedCopies(sourceBucket: "data-bucket-dev", prefix: "historization/tracking/", pageSize: 5_000) {
            for row in page {
                let bytes = Array(row.key.sourceName.utf8)
                if !previous.lexicographicallyPrecedes(bytes) && count > 0 { sorted = false }
                previous = bytes
                count += 1
            }
        }
        var seconds = Date().timeIntervalSince(began)
        print("ledger: streamed \(count) verified copies in \(String(format: "%.2f", seconds)) s, \(Int(Double(count) / seconds)) rows/s")
        #expect(count == total)
        #expect(sorted)

        began = Date()
        let narrow = try await store.verifiedCopies(sourceBucket: "data-bucket-dev", prefix: "historization/tracking/42/").all()
        seconds = Date().timeIntervalSince(began)
        print("ledger: a 1% prefix streamed in \(String(format: "%.3f", seconds)) s")
        #expect(narrow.count == total / 100)
        #expect(try await store.integrityCheck() == "ok")
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
