import DecantCore
import Foundation

/// How one migration ended in one run, as the state records it for promotion.
public struct MigrationOutcomeRecord: Hashable, Sendable, Codable {
    public var serial: Int64
    public var migration: String
    /// `Migration.inputsDigest` of the definition applied.
    public var inputsDigest: String
    /// Every action of the migration succeeded, its copies verified, nothing blocked it.
    public var verified: Bool
    public var finished: Date
    /// Why the promotion gate would have refused it, when `--ignore-promotion` overrode the gate.
    public var promotionIgnored: String?

    public init(serial: Int64, migration: String, inputsDigest: String, verified: Bool, finished: Date,
                promotionIgnored: String? = nil) {
        self.serial = serial
        self.migration = migration
        self.inputsDigest = inputsDigest
        self.verified = verified
        self.finished = finished
        self.promotionIgnored = promotionIgnored
    }
}
