import DecantCore
import DecantSQLite
@testable import DecantState
import Foundation
import Testing
import TestSupport

@Suite struct SchemaTests {
    @Test func createsAStateAtSerialZeroWithALineageThatNeverChanges() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        #expect(try await store.currentSerial == 0)
        #expect(try await store.schemaVersion == StateSchema.currentVersion)
        #expect(try await store.integrityCheck() == "ok")
        #expect(UUID(uuidString: store.lineage) != nil)
        #expect(try filePermissions(state.path) == 0o600)
        let serial = try await store.beginRun(kind: .apply, planDigest: "sha256:abc")
        await store.close()
        #expect(try filePermissions(state.path) == 0o600)

        let reopened = try state.open()
        #expect(reopened.lineage == store.lineage)
        #expect(try await reopened.currentSerial == serial)
        #expect(try await reopened.run(serial: serial)?.planDigest == "sha256:abc")
    }

    @Test func walFilesKeepTheDatabaseMode() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        _ = try await store.beginRun(kind: .apply, planDigest: nil)
        #expect(FileManager.default.fileExists(atPath: state.path + "-wal"))
        #expect(try filePermissions(state.path + "-wal") == 0o600)
        #expect(try SQLiteDatabase(path: state.path).scalarText("PRAGMA journal_mode") == "wal")
    }

    @Test func migrationsAreNumberedWithoutGaps() {
        #expect(StateSchema.migrations.map(\.version) == Array(1...StateSchema.currentVersion))
    }

    @Test func iamChangesAreASelfContainedStep() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        let before = IAMPolicy(bindings: [IAMBinding(role: .objectViewer, members: [IAMMember(rawValue: "group:a@example.com")])], etag: "CAE=")
        let after = IAMPolicy(bindings: [], etag: nil)
        let id = try await store.recordIAMIntent(bucket: "b", actionID: ActionID("set_bucket_iam", "b"), previous: before, new: after,
                                                 serial: serial)
        #expect(try await store.iamChange(id: id)?.confirmed == false)
        try await store.recordIAMSet(id: id, set: IAMPolicy(bindings: [], etag: "CAI="))
        let row = try #require(try await store.iamChange(id: id))
        #expect(row.confirmed && row.previous == before && row.new.etag == "CAI=")
        #expect(try await store.newestUndoableSerial() == serial)
        #expect(try await store.rollbackScope(to: 0).iamChanges.map(\.id) == [id])
        // An intent whose PUT was refused goes; a confirmed one stays.
        try await store.dropIAMIntent(id: id)
        #expect(try await store.iamChanges().count == 1)
    }

    @Test func migratesADatabaseFromThePreviousVersion() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        // A state written by the decant before the last migration, with a run in it.
        do {
            let old = try SQLiteDatabase(path: state.path)
            try old.migrate(Array(StateSchema.migrations.dropLast()))
            try old.run("INSERT INTO meta (key, value) VALUES ('lineage', 'b2c7c1d0-0000-4000-8000-000000000001')")
            try old.run("""
                INSERT INTO runs (serial, kind, status, started_ms, finished_ms, user, host, pid, decant_version)
                VALUES (1, 'apply', 'succeeded', 1000, 2000, 'ci', 'runner', 42, '0.0.9')
                """)
            try old.run("""
                INSERT INTO journal (serial, action_id, kind, state, started_ms) VALUES (1, 'create_bucket:archive', 'create_bucket', 'done', 1000)
                """)
            old.close()
        }
        let store = try state.open()
        #expect(try await store.schemaVersion == StateSchema.currentVersion)
        #expect(store.lineage == "b2c7c1d0-0000-4000-8000-000000000001")
        #expect(try await store.currentSerial == 1)
        #expect(try await store.journal(serial: 1).map(\.state) == [.done])
        // The tables of the new version work.
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        #expect(serial == 2)
        #expect(try await store.recordCopies([copyRecord("a.parquet")], serial: serial).inserted == 1)
        #expect(try await store.integrityCheck() == "ok")
    }

    @Test func refusesAStateFromANewerDecant() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        do {
            let future = try SQLiteDatabase(path: state.path)
            try future.migrate(StateSchema.migrations + [(version: StateSchema.currentVersion + 1, sql: "CREATE TABLE later (a)")])
            try future.run("INSERT INTO meta (key, value) VALUES ('lineage', 'b2c7c1d0-0000-4000-8000-000000000002')")
            future.close()
        }
        #expect {
            _ = try state.open()
        } throws: { error in
            guard case .database(let sqlite) = error as? StateError else { return false }
            return sqlite.message.contains("newer than this decant knows")
        }
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let state = try TempState()
        defer { state.directory.remove() }
        try Data("not sqlite at all, just text that is long enough to be a header".utf8).write(to: URL(fileURLWithPath: state.path))
        #expect(throws: StateError.self) { _ = try state.open() }
    }

    @Test func closedStoreRefusesCalls() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        await store.close()
        await #expect(throws: StateError.closed(path: state.path)) { _ = try await store.currentSerial }
    }
}
