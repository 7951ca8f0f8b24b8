import DecantCore
@testable import DecantState
import Foundation
import Testing
import TestSupport

@Suite struct RunAndJournalTests {
    @Test func eachRunTakesTheNextSerialAndRecordsWhoRanWhat() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let first = try await store.beginRun(RunStart(kind: .apply, planDigest: "p1", inputDigest: "i1",
                                                      summary: ["copy": 3, "bytes": 30]))
        #expect(first == 1)
        try await store.finishRun(serial: first, status: .succeeded, summary: ["copy": 3, "bytes": 30, "copied": 3])
        let second = try await store.beginRun(kind: .rollback, planDigest: "p2", rollbackTo: 0)
        #expect(second == 2)
        try await store.finishRun(serial: second, status: .failed)
        #expect(try await store.currentSerial == 2)

        let runs = try await store.runs()
        #expect(runs.map(\.serial) == [1, 2])
        #expect(runs.map(\.status) == [.succeeded, .failed])
        #expect(runs[0].summary == ["copy": 3, "bytes": 30, "copied": 3])
        #expect(runs[0].inputDigest == "i1")
        #expect(runs[0].owner == RunOwner.current)
        #expect(runs[0].version == DecantVersion.current)
        #expect(runs[0].finished != nil)
        #expect(runs[1].kind == .rollback)
        #expect(runs[1].rollbackTo == 0)
        #expect(runs[1].summary.isEmpty)
    }

    @Test func rollbackTargetMustBeASerialTheStateHad() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        await #expect(throws: StateError.invalidRollbackTarget(serial: 1, current: 0)) {
            _ = try await store.beginRun(kind: .rollback, planDigest: nil, rollbackTo: 1)
        }
        await #expect(throws: StateError.invalidRollbackTarget(serial: -1, current: 0)) {
            _ = try await store.beginRun(kind: .rollback, planDigest: nil)
        }
    }

    @Test func savedPlanAgainstAnotherSerialIsRefused() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        try await store.expectSerial(0)
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        try await store.finishRun(serial: serial, status: .succeeded)
        await #expect(throws: StateError.staleSerial(planned: 0, current: 1)) { try await store.expectSerial(0) }
    }

    @Test func journalRecordsIntentThenDoneOrFailed() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let copy = action("copy:historization:0001", objects: ["a", "b"])
        let bucket = action("create_bucket:archive", kind: .createBucket)
        try await store.journalIntents(serial: serial, actions: [bucket, copy])
        var entries = try await store.journal(serial: serial)
        #expect(entries.map(\.state) == [.intent, .intent])
        #expect(entries.first { $0.actionID == copy.id }?.plannedObjects == 2)
        #expect(entries.first { $0.actionID == copy.id }?.plannedBytes == 20)

        try await store.journalDone(serial: serial, actionID: bucket.id)
        try await store.journalFailed(serial: serial, actionID: copy.id,
                                      error: "HTTP 503 after retries; request had Authorization: Bearer ya29.a0AfH6SMBxyz-secret",
                                      counts: JournalCounts(objects: 1, bytes: 10))
        entries = try await store.journal(serial: serial)
        let failed = try #require(entries.first { $0.actionID == copy.id })
        #expect(failed.state == .failed)
        #expect(failed.counts == JournalCounts(objects: 1, bytes: 10))
        #expect(failed.error?.contains("HTTP 503") == true)
        #expect(failed.error?.contains("ya29") == false)
        #expect(failed.error?.contains("secret") == false)
        #expect(entries.first { $0.actionID == bucket.id }?.state == .done)
        #expect(entries.allSatisfy { $0.finished != nil })

        // A retry in the same run is a second attempt of the same row.
        try await store.journalIntent(serial: serial, action: copy)
        try await store.journalDone(serial: serial, actionID: copy.id, counts: JournalCounts(objects: 2, bytes: 20))
        let retried = try #require(try await store.journal(serial: serial).first { $0.actionID == copy.id })
        #expect(retried.attempts == 2)
        #expect(retried.state == .done)
        #expect(retried.error == nil)
    }

    @Test func endingAnActionWithoutIntentIsAnError() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        await #expect(throws: StateError.unknownAction(serial: serial, actionID: "copy:x")) {
            try await store.journalDone(serial: serial, actionID: ActionID(rawValue: "copy:x"))
        }
    }

    @Test func aRunLeftRunningByADeadProcessIsMarkedInterruptedOnOpen() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        // A crash: intent recorded, the process gone before done.
        do {
            let store = try state.open()
            let serial = try await store.beginRun(kind: .apply, planDigest: nil)
            try await store.journalIntent(serial: serial, action: action("copy:historization:0001", objects: ["a"]))
            await store.close()
        }
        // This process is alive: the run is not touched by an open that can probe it.
        #expect(try await state.open(probe: .allAlive).run(serial: 1)?.status == .running)

        let store = try state.open(probe: .allDead)
        let run = try #require(try await store.run(serial: 1))
        #expect(run.status == .interrupted)
        #expect(run.finished != nil)
        let pending = try await store.pendingIntents()
        #expect(pending.map(\.actionID.rawValue) == ["copy:historization:0001"])
        #expect(try await store.stats().pendingIntents == 1)
        // Nothing more can be written under an interrupted run.
        await #expect(throws: StateError.runNotRunning(serial: 1, status: .interrupted)) {
            try await store.recordCopies([copyRecord("a")], serial: 1)
        }
        #expect(try await store.markInterruptedRuns().isEmpty)
    }

    @Test func beginRunRefusesWhileAnotherLiveProcessRunsAndTakesOverFromOtherHosts() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open(probe: .allAlive)
        let otherHost = try await store.beginRun(RunStart(kind: .apply, planDigest: nil,
                                                          owner: RunOwner(user: "ci", host: "elsewhere", pid: 7)))
        let otherProcess = try await store.beginRun(RunStart(kind: .apply, planDigest: nil,
                                                             owner: RunOwner(user: "me", host: HostIdentity.hostName, pid: 999_999)))
        // The run from another host was marked interrupted (the caller holds the lock).
        #expect(try await store.run(serial: otherHost)?.status == .interrupted)
        await #expect(throws: StateError.runInProgress(serial: otherProcess,
                                                        owner: RunOwner(user: "me", host: HostIdentity.hostName, pid: 999_999))) {
            _ = try await store.beginRun(kind: .apply, planDigest: nil)
        }
    }

    @Test func finishedRunsAcceptNoMoreRecords() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        try await store.finishRun(serial: serial, status: .succeeded)
        await #expect(throws: StateError.runNotRunning(serial: serial, status: .succeeded)) {
            try await store.journalIntent(serial: serial, action: action("copy:1"))
        }
        await #expect(throws: StateError.unknownRun(serial: 9)) { try await store.finishRun(serial: 9, status: .failed) }
    }
}
