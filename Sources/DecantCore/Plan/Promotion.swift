import Foundation

/// `promotion: { prod: { from: stg, soak: 7d } }`: an environment whose migrations
/// may be applied only once the same migration (same `Migration.inputsDigest`) was
/// applied and verified in `from`, at least `soak` ago.
public struct Promotion: Hashable, Sendable, Codable {
    /// The environment that must go first.
    public var from: String
    /// How long `from` must have held the migration applied and verified.
    public var soak: DurationSpec
    public var origin: SourceLocation?

    public init(from: String, soak: DurationSpec = .days(0), origin: SourceLocation? = nil) {
        self.from = from
        self.soak = soak
        self.origin = origin
    }
}
