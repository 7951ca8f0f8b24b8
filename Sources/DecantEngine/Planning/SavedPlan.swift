import DecantCore
import Foundation

/// A plan written by `decant plan --out FILE`: everything apply needs to do exactly
/// what was reviewed — the full object lists, the resolved plan it came from, the
/// inputs' digest and the state lineage and serial it was made against. It holds
/// no credential (none ever enters a Plan).
public struct SavedPlan: Codable, Sendable {
    /// 2: reasons are data (`ActionReason`, `HoldReason`, `RefusalReason`), not sentences.
    public static let formatVersion = 2

    public var formatVersion: Int
    public var decantVersion: String
    public var plan: Plan
    public var changes: PlannedChanges

    public init(plan: Plan, changes: PlannedChanges) {
        self.formatVersion = Self.formatVersion
        self.decantVersion = DecantVersion.current
        self.plan = plan
        self.changes = changes
    }

    /// The file's bytes (what `write(to:)` writes; the CLI writes them 0600 from the start).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return try encoder.encode(self)
    }

    public func write(to path: String) throws {
        try encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
        chmod(path, 0o600)
    }

    public static func read(from path: String) throws -> SavedPlan {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EngineError.savedPlanUnreadable(path, String(describing: error.localizedDescription))
        }
        return try decode(data, path: path)
    }

    /// A saved plan from the bytes of the file at `path` (read once, so that what is
    /// checked, its SHA-256, is what is applied).
    public static func decode(_ data: Data, path: String) throws -> SavedPlan {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        // The version first: a plan of another format may not decode as this one.
        struct Version: Decodable { var formatVersion: Int }
        guard let version = try? decoder.decode(Version.self, from: data) else { throw EngineError.notASavedPlan(path) }
        guard version.formatVersion == formatVersion else { throw EngineError.savedPlanFormat(path, version.formatVersion) }
        do {
            return try decoder.decode(SavedPlan.self, from: data)
        } catch {
            throw EngineError.notASavedPlan(path)
        }
    }

    /// Why this saved plan may no longer be applied, or nil when it may: the plan
    /// files changed, or the state moved on since it was made.
    public func staleness(inputDigest: String, lineage: String?, serial: Int64) -> EngineError? {
        if inputDigest != changes.inputDigest { return .planFilesChanged }
        if let saved = changes.stateLineage, let lineage, saved != lineage { return .otherLineage(saved, lineage) }
        if serial != changes.stateSerial { return .stateMovedOn(planned: changes.stateSerial, now: serial) }
        return nil
    }
}
