import DecantCore
import DecantSQLite
@testable import DecantState
import Foundation
import Testing
import TestSupport

/// What sits at a state's location is a decant state, or an error that names it
/// and says what to do; never a new state over it (issue 14, defects 4 and 7).
@Suite struct StateFileTests {
    @Test func aMissingStateIsCreatedWholeAndAnEmptyOneIsRefused() async throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let store = try state.open()
        #expect(!store.lineage.isEmpty)
        await store.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: state.directory.path)
        #expect(!names.contains { $0.contains(".new-") }, "a temporary state was left behind: \(names)")
        #expect(try filePermissions(state.path) == 0o600)

        try Data().write(to: URL(fileURLWithPath: state.path))
        #expect(throws: StateError.notADecantState(location: state.path, problem: "the file is empty")) { try state.open() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: state.path)).isEmpty, "refusing must not write")

        // A link to a state that is not there (an unmounted disk) is not a new state either.
        try FileManager.default.removeItem(atPath: state.path)
        try FileManager.default.createSymbolicLink(atPath: state.path, withDestinationPath: state.directory.path + "/gone/dev.db")
        #expect(throws: StateError.notADecantState(location: state.path, problem: "it is a symbolic link to a file that does not exist")) {
            try state.open()
        }
    }

    @Test func aFileThatIsNotADecantStateIsRefusedUnchanged() throws {
        let state = try TempState()
        defer { state.directory.remove() }
        let text = Data(String(repeating: "not a database\n", count: 100).utf8)
        try text.write(to: URL(fileURLWithPath: state.path))
        #expect(throws: StateError.notADecantState(location: state.path, problem: "it is not a SQLite database")) { try state.open() }

        // Another program's SQLite database: read, refused, not converted to WAL or migrated.
        try FileManager.default.removeItem(atPath: state.path)
        var options = SQLiteDatabase.Options()
        options.walMode = false
        let other = try SQLiteDatabase(path: state.path, options: options)
        try other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
        other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: state.path))
        #expect(throws: StateError.notADecantState(location: state.path, problem: StateFileCheck.foreign)) { try state.open() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: state.path)) == before)

        // A damaged one: a SQLite header, then garbage.
        var damaged = Data("SQLite format 3\0".utf8)
        damaged.append(Data(repeating: 0xAB, count: 8192))
        try damaged.write(to: URL(fileURLWithPath: state.path))
        do {
            _ = try state.open()
            Issue.record("a damaged state was opened")
        } catch {
            let text = (error as? StateError)?.errorDescription ?? "\(error)"
            #expect(text.contains(state.path) && text.contains("backup"), "\(text)")
        }
    }

    @Test func everyPrefixSpellingNamesTheSameObjects() {
        for prefix in ["data-platform", "data-platform/", "/data-platform/", "data-platform//"] {
            let names = RemoteStateNames(bucket: "decant-state", prefix: prefix)
            #expect(names.database(environment: "dev") == "data-platform/dev.db", "\(prefix)")
            #expect(names.lock(environment: "dev") == "data-platform/dev.lock", "\(prefix)")
        }
        #expect(RemoteStateNames(bucket: "b", prefix: "/").database(environment: "dev") == "dev.db")
        #expect(RemoteStateNames(bucket: "b", prefix: "a//b/").url("a/b/dev.db") == "gs://b/a/b/dev.db")
    }

    @Test func aRemoteStateIsReadFromAPrivateCopyThatIsRemoved() async throws {
        let objects = MemoryObjectStore(buckets: ["decant-state"])
        let work = try TemporaryDirectory("decant-gcs-read")
        defer { work.remove() }
        let backend = GCSStateBackend(store: objects, bucket: "decant-state", prefix: "data-platform/", workDirectory: work.url)
        #expect(try await backend.openForReading(environment: "dev", clock: SystemClock()) == nil)

        let lease = try await backend.acquire(environment: "dev", holder: .current(operation: "apply"))
        let written = try StateStore.open(path: lease.databasePath, location: lease.location)
        let serial = try await written.beginRun(kind: .apply, planDigest: "p")
        try await written.finishRun(serial: serial, status: .succeeded)
        try await backend.persist(lease, store: written)
        await written.close()
        try await backend.release(lease)

        let read = try #require(try await backend.openForReading(environment: "dev", clock: SystemClock()))
        #expect(read.location == "gs://decant-state/data-platform/dev.db")
        #expect(try await read.currentSerial == serial)
        #expect(try filePermissions(read.path) == 0o600)
        #expect(try filePermissions(URL(fileURLWithPath: read.path).deletingLastPathComponent().path) == 0o700)
        await read.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty, "the private copy stays behind")
    }

    @Test func anEmptyRemoteStateIsRefusedNamingTheObject() async throws {
        let objects = MemoryObjectStore(buckets: ["decant-state"])
        let work = try TemporaryDirectory("decant-gcs-empty")
        defer { work.remove() }
        _ = try await objects.upload("decant-state", "data-platform/dev.db", data: Data(), ifGenerationMatch: 0,
                                     contentType: nil, metadata: nil)
        let backend = GCSStateBackend(store: objects, bucket: "decant-state", prefix: "data-platform", workDirectory: work.url)
        let location = "gs://decant-state/data-platform/dev.db"
        await #expect(throws: StateError.notADecantState(location: location, problem: "the file is empty")) {
            _ = try await backend.openForReading(environment: "dev", clock: SystemClock())
        }
        let lease = try await backend.acquire(environment: "dev", holder: .current(operation: "apply"))
        #expect(!lease.isNew)
        #expect(throws: StateError.notADecantState(location: location, problem: "the file is empty")) {
            try StateStore.open(path: lease.databasePath, location: lease.location)
        }
        try await backend.release(lease)
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
    }
}
