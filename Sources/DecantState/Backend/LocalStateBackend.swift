import DecantCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The default backend: `state/<env>.db` on the local disk, locked by
/// `state/<env>.db.lock` (see `LockFile`). An actor because it holds the open
/// descriptors of the locks it took.
public actor LocalStateBackend: StateBackend {
    private let pathFor: @Sendable (String) -> String
    private let probe: ProcessProbe
    /// Lock id → descriptor holding the lock's `flock`.
    private var held: [String: Int32] = [:]

    /// States at `<directory>/<env>.db`.
    public init(directory: String, probe: ProcessProbe = .system) {
        let base = URL(fileURLWithPath: directory)
        self.init(probe: probe) { base.appendingPathComponent("\($0).db").path }
    }

    /// States wherever `pathFor(environment)` says (the plan's `state.path`).
    public init(probe: ProcessProbe = .system, pathFor: @escaping @Sendable (String) -> String) {
        self.pathFor = pathFor
        self.probe = probe
    }

    /// The database file of `environment`.
    public nonisolated func databasePath(environment: String) throws(StateError) -> String {
        try EnvironmentName.validate(environment)
        return pathFor(environment)
    }

    public func acquire(environment: String, holder: LockInfo) throws(StateError) -> StateLease {
        let path = try databasePath(environment: environment)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io(path: directory, detail: "cannot create the state directory: \(error.localizedDescription)")
        }
        let fd = try LockFile.create(at: path + ".lock", info: holder, probe: probe)
        held[holder.id] = fd
        return StateLease(environment: environment, databasePath: path, lock: holder, location: path,
                          isNew: !FileManager.default.fileExists(atPath: path))
    }

    /// The database is the file itself: persisting folds the WAL into it, after
    /// checking that the lock is still this lease's.
    public func persist(_ lease: StateLease, store: StateStore) async throws(StateError) {
        try checkStillHeld(lease)
        try await store.checkpoint()
    }

    public func checkHeld(_ lease: StateLease) throws(StateError) {
        try checkStillHeld(lease)
    }

    public func release(_ lease: StateLease) throws(StateError) {
        defer { closeDescriptor(lease.lock.id) }
        do {
            try LockFile.remove(at: lease.databasePath + ".lock", expectedID: lease.lock.id)
        } catch {
            switch error {
            case .notLocked, .lockIDMismatch: throw .lockLost(location: lease.location, id: lease.lock.id)
            default: throw error
            }
        }
    }

    public nonisolated func location(environment: String) -> String {
        (try? databasePath(environment: environment)) ?? pathFor(environment)
    }

    public func openForReading(environment: String, clock: any Clock) throws(StateError) -> StateStore? {
        let path = try databasePath(environment: environment)
        guard try StateFileCheck.exists(path: path, location: path) else { return nil }
        return try StateStore.open(path: path, clock: clock, probe: probe)
    }

    public func currentLock(environment: String) throws(StateError) -> LockInfo? {
        try LockFile.read(at: try databasePath(environment: environment) + ".lock")
    }

    public func unlock(environment: String, id: String) throws(StateError) {
        try LockFile.remove(at: try databasePath(environment: environment) + ".lock", expectedID: id)
        closeDescriptor(id)
    }

    private func checkStillHeld(_ lease: StateLease) throws(StateError) {
        guard held[lease.lock.id] != nil,
              (try? LockFile.read(at: lease.databasePath + ".lock"))??.id == lease.lock.id else {
            throw .lockLost(location: lease.location, id: lease.lock.id)
        }
    }

    private func closeDescriptor(_ id: String) {
        if let fd = held.removeValue(forKey: id) { close(fd) }
    }
}
