import DecantCore

/// The code edits a plan makes, and what it leaves to people.
public struct CodeRewritePlan: Hashable, Sendable, Codable {
    /// One edit per file, sorted by path.
    public var edits: [CodeEdit]
    /// References to migrations with `rewrite_code: true` that are not
    /// rewritten, each with `unrewritableReason`; sorted by path and line.
    public var unrewritable: [CodeReference]

    public init(edits: [CodeEdit] = [], unrewritable: [CodeReference] = []) {
        self.edits = edits
        self.unrewritable = unrewritable
    }

    /// The migrations some edit serves.
    public var migrations: Set<String> { Set(edits.flatMap(\.migrations)) }
}
