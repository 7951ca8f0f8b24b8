import Foundation

/// What a lock says about its holder: never a credential, only who, where and why.
public struct LockInfo: Hashable, Sendable, Codable {
    /// A UUID, what `decant state unlock` takes.
    public var id: String
    /// `user@host`.
    public var who: String
    public var host: String
    public var pid: Int32
    /// What the holder is doing (`apply`, `rollback`, `state unlock` …).
    public var operation: String
    public var created: Date
    public var version: String

    public init(id: String = UUID().uuidString.lowercased(), who: String, host: String, pid: Int32,
                operation: String, created: Date, version: String = DecantVersion.current) {
        self.id = id
        self.who = who
        self.host = host
        self.pid = pid
        self.operation = Redaction.scrub(operation)
        // Whole milliseconds, what the RFC 3339 text keeps, so a lock read back is equal.
        self.created = Date(timeIntervalSince1970: (created.timeIntervalSince1970 * 1000).rounded() / 1000)
        self.version = version
    }
}
