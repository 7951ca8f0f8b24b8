import DecantCore
import DecantStorage
@testable import DecantState
import Foundation
import Testing
import TestSupport

@Suite struct GCSBackendTests {
    let bucket = "decant-state-dev"

    func setUp() throws -> (MemoryObjectStore, TemporaryDirectory) {
        (MemoryObjectStore(buckets: [bucket]), try TemporaryDirectory("decant-gcs-state"))
    }

    func backend(_ store: MemoryObjectStore, _ work: TemporaryDirectory, probe: ProcessProbe = .system) -> GCSStateBackend {
        GCSStateBackend(store: store, bucket: bucket, prefix: "data-platform/", workDirectory: work.url, probe: probe)
    }

    @Test func theDatabaseMakesARoundTrip() async throws {
        let (objects, work) = try setUp()
        defer { work.remove() }
        let machineA = backend(objects, work)
        let lease = try await machineA.acquire(environment: "dev", holder: .current(operation: "apply"))
        #expect(lease.isNew)
        #expect(lease.location == "gs://decant-state-dev/data-platform/dev.db")
        #expect(await objects.objectNames(bucket) == ["data-platform/dev.lock"])
        #expect(try filePermissions(URL(fileURLWithPath: lease.databasePath).deletingLastPathComponent().path) == 0o700)

        let store = try StateStore.open(path: lease.databasePath)
        let serial = try await store.beginRun(kind: .apply, planDigest: "p")
        try await store.recordCopies((0..<50).map { copyRecord("obj-\($0)", verified: true) }, serial: serial)
        try await machineA.persist(lease, store: store)  // mid-run: the WAL is folded in before upload
        let firstUpload = try #require(try await objects.headObject(bucket, "data-platform/dev.db", generation: nil))
        try await machineA.persist(lease, store: store)  // nothing changed: nothing uploaded
        #expect(try await objects.headObject(bucket, "data-platform/dev.db", generation: nil)?.generation == firstUpload.generation)
        try await store.finishRun(serial: serial, status: .succeeded)
        try await machineA.persist(lease, store: store)
        await store.close()
        try await machineA.release(lease)
        #expect(await objects.objectNames(bucket) == ["data-platform/dev.db"])
        #expect(!FileManager.default.fileExists(atPath: lease.databasePath), "the local copy is removed once uploaded")

        let machineB = backend(objects, work)
        let second = try await machineB.acquire(environment: "dev", holder: .current(operation: "rollback"))
        #expect(!second.isNew)
        let reopened = try StateStore.open(path: second.databasePath)
        #expect(reopened.lineage == store.lineage)
        #expect(try await reopened.currentSerial == serial)
        #expect(try await reopened.verifiedCopies(sourceBucket: "data-bucket-dev").all().count == 50)
        #expect(try await reopened.integrityCheck() == "ok")
        await reopened.close()
        try await machineB.release(second)
    }

    @Test func aSecondAcquireFailsNamingTheHolder() async throws {
        let (objects, work) = try setUp()
        defer { work.remove() }
        let first = LockInfo.current(operation: "apply")
        let lease = try await backend(objects, work).acquire(environment: "dev", holder: first)
        let other = backend(objects, work)
        await #expect(throws: StateError.locked(location: "gs://decant-state-dev/data-platform/dev.lock", holder: first, stale: false)) {
            _ = try await other.acquire(environment: "dev", holder: .current(operation: "apply"))
        }
        // A holder on another host cannot be judged; one whose process is gone is stale.
        await #expect(throws: StateError.locked(location: "gs://decant-state-dev/data-platform/dev.lock", holder: first, stale: true)) {
            _ = try await backend(objects, work, probe: .allDead).acquire(environment: "dev", holder: .current(operation: "apply"))
        }
        #expect(try await other.currentLock(environment: "dev") == first)
        // The same state in another environment is free.
        let stg = try await other.acquire(environment: "stg", holder: .current(operation: "apply"))
        try await other.release(stg)

        await #expect(throws: StateError.self) { try await other.unlock(environment: "dev", id: "wrong") }
        try await other.unlock(environment: "dev", id: first.id)
        let taken = try await other.acquire(environment: "dev", holder: .current(operation: "apply"))
        try await other.release(taken)
        _ = lease
    }

    @Test func aConcurrentWriterMakesPersistFailAndKeepsTheLocalCopy() async throws {
        let (objects, work) = try setUp()
        defer { work.remove() }
        let machine = backend(objects, work)
        let lease = try await machine.acquire(environment: "dev", holder: .current(operation: "apply"))
        let store = try StateStore.open(path: lease.databasePath)
        let serial = try await store.beginRun(kind: .apply, planDigest: nil)
        try await machine.persist(lease, store: store)

        // Someone who ignored the lock writes the state.
        _ = try await objects.upload(bucket, "data-platform/dev.db", data: Data("someone else's state".utf8),
                                     ifGenerationMatch: nil, contentType: nil, metadata: nil)
        try await store.recordCopies([copyRecord("precious")], serial: serial)
        do {
            try await machine.persist(lease, store: store)
            Issue.record("persist must fail")
        } catch {
            guard case let .remoteStateChanged(_, _, localCopy) = error else { throw error }
            #expect(localCopy == lease.databasePath)
            #expect(error.errorDescription?.contains(lease.databasePath) == true)
        }
        let (remote, _) = try await objects.download(bucket, "data-platform/dev.db", generation: nil)
        #expect(remote == Data("someone else's state".utf8), "the other writer's state is not overwritten")
        await store.close()
        await #expect(throws: StateError.notPersisted(location: lease.location, localCopy: lease.databasePath)) {
            try await machine.release(lease)
        }
        #expect(await objects.objectNames(bucket) == ["data-platform/dev.db"], "the lock is released anyway")
        let kept = try StateStore.open(path: lease.databasePath)
        #expect(try await kept.copy(copyRecord("precious").key) != nil)
    }

    @Test func aFirstPersistRefusesToOverwriteAStateCreatedMeanwhile() async throws {
        let (objects, work) = try setUp()
        defer { work.remove() }
        let machine = backend(objects, work)
        let lease = try await machine.acquire(environment: "dev", holder: .current(operation: "apply"))
        let store = try StateStore.open(path: lease.databasePath)
        _ = try await objects.upload(bucket, "data-platform/dev.db", data: Data("x".utf8), ifGenerationMatch: 0,
                                     contentType: nil, metadata: nil)
        await #expect(throws: StateError.remoteStateChanged(location: lease.location, expectedGeneration: 0,
                                                             localCopy: lease.databasePath)) {
            try await machine.persist(lease, store: store)
        }
    }

    @Test func aForcedUnlockIsNoticedByTheFormerHolder() async throws {
        let (objects, work) = try setUp()
        defer { work.remove() }
        let machine = backend(objects, work)
        let lease = try await machine.acquire(environment: "dev", holder: .current(operation: "apply"))
        let store = try StateStore.open(path: lease.databasePath)
        _ = try await store.beginRun(kind: .apply, planDigest: nil)
        try await backend(objects, work).unlock(environment: "dev", id: lease.lock.id)
        let intruder = try await backend(objects, work).acquire(environment: "dev", holder: .current(operation: "apply"))
        await #expect(throws: StateError.lockLost(location: "gs://decant-state-dev/data-platform/dev.lock", id: lease.lock.id)) {
            try await machine.persist(lease, store: store)
        }
        #expect(await objects.objectNames(bucket) == ["data-platform/dev.lock"], "nothing was uploaded")
        #expect(try await machine.currentLock(environment: "dev")?.id == intruder.lock.id)
    }
}
