import DecantCore
import Foundation

/// Where a state lives and how it is locked (DESIGN.md §5). An apply acquires a
/// lease, opens `StateStore` at `lease.databasePath`, calls `persist` every few
/// batches and at the end, and releases the lease.
public protocol StateBackend: Sendable {
    /// Takes the lock for `environment` and makes the state available at a local
    /// path (downloaded for a remote backend; absent means a new, empty state).
    /// Fails fast with `StateError.locked` naming the holder.
    func acquire(environment: String, holder: LockInfo) async throws(StateError) -> StateLease

    /// Makes what `store` recorded durable where the backend keeps it (an upload
    /// for a remote backend). `store` must be the one opened at `lease.databasePath`.
    func persist(_ lease: StateLease, store: StateStore) async throws(StateError)

    /// Throws `StateError.lockLost` unless this lease still holds the lock (nobody
    /// ran `decant state unlock` on it, nobody took it since).
    func checkHeld(_ lease: StateLease) async throws(StateError)

    /// Gives the lock back. Call `persist` before, and close the store.
    func release(_ lease: StateLease) async throws(StateError)

    /// The lock on `environment`, if any (for `decant state show`).
    func currentLock(environment: String) async throws(StateError) -> LockInfo?

    /// `decant state unlock --env ENV ID`: removes the lock only if its id is `id`.
    func unlock(environment: String, id: String) async throws(StateError)

    /// Where the state of `environment` lives, for messages (`state/dev.db`, `gs://b/p/dev.db`).
    func location(environment: String) -> String

    /// The state of `environment` for reading without the lock (plan, `state`,
    /// rollback's plan): nil when there is none. A remote state is read from a
    /// private copy that is removed when the store closes; close it.
    func openForReading(environment: String, clock: any Clock) async throws(StateError) -> StateStore?
}

extension LockInfo {
    /// A lock for this process.
    public static func current(operation: String, clock: any Clock = SystemClock()) -> LockInfo {
        let owner = RunOwner.current
        return LockInfo(who: owner.who, host: owner.host, pid: owner.pid, operation: operation, created: clock.now())
    }

    /// The lock file's or lock object's bytes (JSON, `created` in RFC 3339).
    public func encoded() throws(StateError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        do {
            return try encoder.encode(self)
        } catch {
            throw .io(path: "lock", detail: "cannot encode the lock: \(error)")
        }
    }

    /// Reads a lock's bytes; nil when they are not a lock.
    public static func decode(_ data: Data) -> LockInfo? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time")
            }
            return Date(milliseconds: date.milliseconds)
        }
        return try? decoder.decode(LockInfo.self, from: data)
    }
}

/// A held lock and the local database file it guards.
public struct StateLease: Hashable, Sendable {
    public var environment: String
    /// Where `StateStore.open` opens the state.
    public var databasePath: String
    public var lock: LockInfo
    /// The state's canonical location for messages (`state/dev.db`, `gs://b/p/dev.db`).
    public var location: String
    /// True when there was no state before this lease (a first apply).
    public var isNew: Bool

    public init(environment: String, databasePath: String, lock: LockInfo, location: String, isNew: Bool) {
        self.environment = environment
        self.databasePath = databasePath
        self.lock = lock
        self.location = location
        self.isNew = isNew
    }
}

/// Environment names become file and object names.
enum EnvironmentName {
    static func validate(_ name: String) throws(StateError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, name.count <= 128, name.allSatisfy(allowed.contains), !name.hasPrefix(".") else {
            throw .invalidEnvironment(name)
        }
    }
}
