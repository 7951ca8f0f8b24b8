import DecantCore
import DecantSQLite
@testable import DecantState
import Foundation
import Testing
import TestSupport

/// The compact ledger (schema 6): name ids, the bulk path, the row-by-row scan.
@Suite struct LedgerShapeTests {
    /// `count` verified copies `hist/NNNN` → `archives/hist/NNNN`.
    static func verifiedCopies(_ count: Int, from start: Int = 0, targetGeneration: Int64 = 100) -> [CopyRecord] {
        (start..<start + count).map { i in
            copyRecord("hist/" + String(i).leftPadded(to: 4), generation: Int64(i + 1), targetGeneration: targetGeneration, verified: true)
        }
    }

    @Test func verifiedCopiesAreRecordedInBulkAcrossTransactions() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let records = Self.verifiedCopies(25)
        let first = try await store.recordVerifiedCopies(records, serial: serial, transactionRows: 10)
        #expect(first.inserted == 25)
        // Recorded again (a resumed run), with two overwritten since: nothing else changes.
        var again = records
        again[3].targetGeneration = 200
        again[17].targetGeneration = 200
        let second = try await store.recordVerifiedCopies(again, serial: serial, transactionRows: 7)
        #expect(second.unchanged == 23 && second.superseded == 2 && second.inserted == 0)
        let rows = try await store.verifiedCopies(sourceBucket: "data-bucket-dev", prefix: "hist/").all()
        #expect(rows.count == 25)
        #expect(rows.filter { $0.record.targetGeneration == 200 }.map(\.key.sourceName) == ["hist/0003", "hist/0017"])
        #expect(rows.allSatisfy { $0.record.verification?.level == .checksum && $0.verifiedSerial == serial })
        #expect(try await store.integrityCheck() == "ok")
    }

    @Test func anUnverifiedCopyIsRefusedInBulkBeforeAnythingIsWritten() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        var records = Self.verifiedCopies(5)
        records[4].verification = nil
        await #expect(throws: StateError.unverifiedCopy(records[4].key)) {
            try await store.recordVerifiedCopies(records, serial: serial, transactionRows: 2)
        }
        #expect(try await store.stats().currentCopies == 0)
    }

    @Test func theScanStreamsRowsInKeyOrderAndSkipsForward() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        // Recorded out of order, with a second target for one source and rows outside the prefix.
        var records = Self.verifiedCopies(30).shuffled()
        var second = copyRecord("hist/0007", generation: 8, verified: true)
        second.key.targetName = "other/hist/0007"
        records.append(second)
        records.append(copyRecord("histx/0001", verified: true))
        records.append(copyRecord("a/0001", verified: true))
        try await store.recordCopies(records, serial: serial)

        var all: [String] = []
        for try await entry in store.ledgerScan(sourceBucket: "data-bucket-dev", prefix: "hist/", pageSize: 4) {
            all.append(entry.sourceName + " " + entry.targetName)
        }
        #expect(all.count == 31)
        #expect(all == all.sorted { ByteOrder.less($0, $1) })
        #expect(all.filter { $0.hasPrefix("hist/0007 ") } == ["hist/0007 archives/hist/0007", "hist/0007 other/hist/0007"])

        var cursor = store.ledgerScan(sourceBucket: "data-bucket-dev", prefix: "hist/", pageSize: 4).makeAsyncIterator()
        #expect(try await cursor.entries(for: "hist/0002").map(\.sourceGeneration) == [3])
        #expect(try await cursor.entries(for: "hist/0007").map(\.targetName) == ["archives/hist/0007", "other/hist/0007"])
        #expect(try await cursor.entries(for: "hist/0007x").isEmpty)
        // Within the page in memory, then far beyond it (a new seek), then behind: nothing moves back.
        try await cursor.skip(to: "hist/0009")
        #expect(try await cursor.peek()?.sourceName == "hist/0009")
        try await cursor.skip(to: "hist/0025")
        #expect(try await cursor.next()?.sourceName == "hist/0025")
        try await cursor.skip(to: "hist/0003")
        #expect(try await cursor.next()?.sourceName == "hist/0026")
        try await cursor.skip(to: "hist/0099")
        #expect(try await cursor.next() == nil)

        // A scan that starts with a skip reads from there; a bucket the ledger never saw is empty.
        var late = store.ledgerScan(sourceBucket: "data-bucket-dev", prefix: "hist/").makeAsyncIterator()
        try await late.skip(to: "hist/0028")
        #expect(try await late.next()?.sourceName == "hist/0028")
        var none = store.ledgerScan(sourceBucket: "no-such-bucket").makeAsyncIterator()
        #expect(try await none.next() == nil)
    }

    @Test func aDanglingNameIdIsReportedByTheIntegrityCheck() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        try await store.recordCopies([copyRecord("a", verified: true)], serial: serial)
        await store.close()
        let database = try SQLiteDatabase(path: state.path)
        try database.execute("UPDATE copies SET target_bucket_id = 999")
        database.close()
        let reopened = try state.open()
        #expect(try await reopened.integrityCheck() == "foreign keys broken in: copies")
        await #expect(throws: StateError.self) { _ = try await reopened.copy(id: 1) }
    }

    @Test func namesGivenIdsInATransactionThatRollsBackAreForgotten() throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        _ = store
        let database = try SQLiteDatabase(path: state.path)
        defer { database.close() }
        let names = LedgerNames()
        let kept = try database.transaction { try names.ensureID(.bucket, "kept-bucket", in: database) }
        names.committed()
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try database.transaction {
                #expect(try names.ensureID(.bucket, "lost-bucket", in: database) == kept + 1)
                throw Abort()
            }
        }
        names.forgetUncommitted()
        #expect(try names.id(.bucket, "lost-bucket", in: database) == nil)
        #expect(try names.id(.bucket, "kept-bucket", in: database) == kept)
        // The id the rolled-back name had goes to the next name, and reads back as that one.
        let next = try database.transaction { try names.ensureID(.bucket, "next-bucket", in: database) }
        #expect(next == kept + 1)
        #expect(try names.name(.bucket, next, in: database) == "next-bucket")
    }
}
