import DecantCore
import DecantStorage
import Foundation

/// The remote backend (DESIGN.md §5) on any `ObjectStore`: the state is the object
/// `<prefix>/<env>.db`, the lock the object `<prefix>/<env>.lock`.
///
/// - acquire: create the lock with `ifGenerationMatch=0` (a 412 means someone holds
///   it: its JSON is read and named in the error), then download the database to a
///   private temporary file, remembering its generation (absent: a new state).
/// - persist: checkpoint, check the lock is still ours, upload with
///   `ifGenerationMatch=<generation last seen>`; a mismatch means someone else wrote
///   the state, and the error keeps the local copy's path. Unchanged bytes are not
///   uploaded again.
/// - release: delete the lock at its generation; the local copy is removed only
///   when everything in it was uploaded.
///
/// An actor because it remembers, per lease, the generations it last saw.
public actor GCSStateBackend: StateBackend {
    private let store: any ObjectStore
    private let names: RemoteStateNames
    private let workDirectory: URL
    private let probe: ProcessProbe
    private var leases: [String: RemoteLease] = [:]

    private struct RemoteLease {
        var lockGeneration: Int64
        /// Generation of the database object last downloaded or uploaded; 0 when absent.
        var databaseGeneration: Int64
        /// SHA-256 of the bytes last downloaded or uploaded.
        var persistedDigest: String?
        var directory: URL
    }

    /// - Parameters:
    ///   - workDirectory: where downloaded states live while leased (default: the
    ///     system temporary directory).
    public init(store: any ObjectStore, bucket: String, prefix: String, workDirectory: URL? = nil,
                probe: ProcessProbe = .system) {
        self.store = store
        self.names = RemoteStateNames(bucket: bucket, prefix: prefix)
        self.workDirectory = workDirectory ?? FileManager.default.temporaryDirectory
        self.probe = probe
    }

    private var bucket: String { names.bucket }

    /// Object name of the database of `environment`.
    public nonisolated func databaseObject(environment: String) -> String { names.database(environment: environment) }
    /// Object name of the lock of `environment`.
    public nonisolated func lockObject(environment: String) -> String { names.lock(environment: environment) }

    public nonisolated func location(environment: String) -> String { url(databaseObject(environment: environment)) }

    private nonisolated func url(_ name: String) -> String { names.url(name) }

    /// Downloads the state to a private copy (0700 directory, 0600 file) and opens
    /// it; the copy is removed when the store closes. Nil when there is no state.
    public func openForReading(environment: String, clock: any Clock) async throws(StateError) -> StateStore? {
        try EnvironmentName.validate(environment)
        let name = databaseObject(environment: environment)
        guard let downloaded = try await downloadDatabase(name) else { return nil }
        let directory = try PrivateFile.makeDirectory(in: workDirectory, stem: "decant-state-read-\(environment)-")
        do {
            let path = directory.appendingPathComponent("\(environment).db").path
            try PrivateFile.create(downloaded.data, at: path)
            return try StateStore.open(path: path, clock: clock, probe: probe, location: url(name), removeOnClose: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    public func acquire(environment: String, holder: LockInfo) async throws(StateError) -> StateLease {
        try EnvironmentName.validate(environment)
        let lockName = lockObject(environment: environment)
        let lockGeneration = try await createLock(lockName, holder: holder)
        do {
            let databaseName = databaseObject(environment: environment)
            let downloaded = try await downloadDatabase(databaseName)
            let bytes = downloaded?.data
            let generation = downloaded?.generation ?? 0
            let directory = try PrivateFile.makeDirectory(in: workDirectory, stem: "decant-state-\(environment)-")
            let path = directory.appendingPathComponent("\(environment).db").path
            if let bytes { try PrivateFile.create(bytes, at: path) }
            leases[holder.id] = RemoteLease(lockGeneration: lockGeneration, databaseGeneration: generation,
                                            persistedDigest: bytes.map(Digest.sha256Hex), directory: directory)
            return StateLease(environment: environment, databasePath: path, lock: holder, location: url(databaseName),
                              isNew: bytes == nil)
        } catch {
            try? await store.deleteObject(bucket, lockName, ifGenerationMatch: lockGeneration)
            throw Self.stateError(error)
        }
    }

    public func persist(_ lease: StateLease, store state: StateStore) async throws(StateError) {
        guard var remote = leases[lease.lock.id] else { throw .lockLost(location: lease.location, id: lease.lock.id) }
        let bytes = try await state.checkpointedSnapshot()
        let digest = Digest.sha256Hex(bytes)
        guard digest != remote.persistedDigest else { return }
        try await checkLock(lease, generation: remote.lockGeneration)
        let name = databaseObject(environment: lease.environment)
        do {
            let record = try await store.upload(bucket, name, data: bytes, ifGenerationMatch: remote.databaseGeneration,
                                                contentType: "application/vnd.sqlite3", metadata: ["decant-lineage": state.lineage])
            remote.databaseGeneration = record.generation
            remote.persistedDigest = digest
            leases[lease.lock.id] = remote
        } catch {
            if case .preconditionFailed = error {
                throw .remoteStateChanged(location: lease.location, expectedGeneration: remote.databaseGeneration,
                                          localCopy: lease.databasePath)
            }
            throw .storage(error)
        }
    }

    public func checkHeld(_ lease: StateLease) async throws(StateError) {
        guard let remote = leases[lease.lock.id] else { throw .lockLost(location: lease.location, id: lease.lock.id) }
        try await checkLock(lease, generation: remote.lockGeneration)
    }

    public func release(_ lease: StateLease) async throws(StateError) {
        guard let remote = leases.removeValue(forKey: lease.lock.id) else {
            throw .lockLost(location: lease.location, id: lease.lock.id)
        }
        let lockName = lockObject(environment: lease.environment)
        var lockError: StateError?
        do {
            try await store.deleteObject(bucket, lockName, ifGenerationMatch: remote.lockGeneration)
        } catch {
            switch error {
            case .preconditionFailed, .notFound: lockError = .lockLost(location: url(lockName), id: lease.lock.id)
            default: lockError = .storage(error)
            }
        }
        guard Self.everythingPersisted(lease.databasePath, digest: remote.persistedDigest) else {
            throw .notPersisted(location: lease.location, localCopy: lease.databasePath)
        }
        try? FileManager.default.removeItem(at: remote.directory)
        if let lockError { throw lockError }
    }

    public func currentLock(environment: String) async throws(StateError) -> LockInfo? {
        try EnvironmentName.validate(environment)
        return try await readLock(lockObject(environment: environment))?.info
    }

    public func unlock(environment: String, id: String) async throws(StateError) {
        try EnvironmentName.validate(environment)
        let lockName = lockObject(environment: environment)
        guard let (holder, generation) = try await readLock(lockName) else { throw .notLocked(location: url(lockName)) }
        guard holder.id == id else { throw .lockIDMismatch(location: url(lockName), given: id, holder: holder) }
        do {
            try await store.deleteObject(bucket, lockName, ifGenerationMatch: generation)
        } catch {
            if case .preconditionFailed = error { throw .lockIDMismatch(location: url(lockName), given: id, holder: holder) }
            throw .storage(error)
        }
    }

    // MARK: Helpers

    /// The database's bytes and generation, nil when there is no state yet.
    private func downloadDatabase(_ name: String) async throws(StateError) -> (data: Data, generation: Int64)? {
        do {
            let (data, record) = try await store.download(bucket, name, generation: nil)
            return (data, record.generation)
        } catch {
            if case .notFound = error { return nil }
            throw .storage(error)
        }
    }

    /// Creates the lock object; returns its generation.
    private func createLock(_ lockName: String, holder: LockInfo) async throws(StateError) -> Int64 {
        let data = try holder.encoded()
        for _ in 0..<2 {
            do {
                return try await store.upload(bucket, lockName, data: data, ifGenerationMatch: 0,
                                              contentType: "application/json", metadata: nil).generation
            } catch {
                guard case .preconditionFailed = error else { throw .storage(error) }
            }
            // Held: name the holder. If it vanished meanwhile, try once more.
            guard let existing = try await readLock(lockName) else { continue }
            throw .locked(location: url(lockName), holder: existing.info, stale: staleness(existing.info))
        }
        throw .lockUnreadable(location: url(lockName), detail: "it keeps appearing and vanishing; try again")
    }

    private func readLock(_ lockName: String) async throws(StateError) -> (info: LockInfo, generation: Int64)? {
        let data: Data
        let record: ObjectRecord
        do {
            (data, record) = try await store.download(bucket, lockName, generation: nil)
        } catch {
            if case .notFound = error { return nil }
            throw .storage(error)
        }
        guard let info = LockInfo.decode(data) else {
            throw .lockUnreadable(location: url(lockName), detail: "not a decant lock (\(data.count) bytes)")
        }
        return (info, record.generation)
    }

    private func checkLock(_ lease: StateLease, generation: Int64) async throws(StateError) {
        let lockName = lockObject(environment: lease.environment)
        let record: ObjectRecord?
        do {
            record = try await store.headObject(bucket, lockName, generation: nil)
        } catch {
            throw .storage(error)
        }
        guard record?.generation == generation else { throw .lockLost(location: url(lockName), id: lease.lock.id) }
    }

    private func staleness(_ holder: LockInfo) -> Bool? {
        probe.isAlive(holder.host, holder.pid).map { !$0 }
    }

    /// True when the local copy holds nothing that was not uploaded (or downloaded).
    private static func everythingPersisted(_ path: String, digest: String?) -> Bool {
        let manager = FileManager.default
        let walSize = (try? manager.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.int64Value ?? 0
        guard walSize == 0 else { return false }
        guard let data = manager.contents(atPath: path) else { return digest == nil }
        return Digest.sha256Hex(data) == digest
    }

    private static func stateError(_ error: any Error) -> StateError {
        if let error = error as? StateError { return error }
        if let error = error as? StoreError { return .storage(error) }
        return .io(path: "state", detail: String(describing: error))
    }
}
