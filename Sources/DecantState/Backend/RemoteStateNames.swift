/// The names of a remote state's objects, `<prefix>/<env>.db` and `<prefix>/<env>.lock`:
/// the one place they are made, for every command (apply, plan, state, rollback),
/// so that `prefix: "data-platform/"`, `"/data-platform"` and `"data-platform"`
/// all name the same objects.
public struct RemoteStateNames: Hashable, Sendable {
    public let bucket: String
    /// The prefix without leading, trailing or doubled slashes; empty for the bucket's root.
    public let prefix: String

    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    /// The database object of `environment`.
    public func database(environment: String) -> String { name(environment, "db") }
    /// The lock object of `environment`.
    public func lock(environment: String) -> String { name(environment, "lock") }
    /// `gs://bucket/name`, for messages.
    public func url(_ name: String) -> String { "gs://\(bucket)/\(name)" }

    private func name(_ environment: String, _ suffix: String) -> String {
        prefix.isEmpty ? "\(environment).\(suffix)" : "\(prefix)/\(environment).\(suffix)"
    }
}
