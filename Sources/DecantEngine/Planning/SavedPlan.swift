import DecantCore
import Foundation

/// A plan written by `decant plan --out FILE`: everything apply needs to do exactly
/// what was reviewed — the full object lists, the resolved plan it came from, the
/// inputs' digest and the state lineage and serial it was made against. It holds
/// no credential (none ever enters a Plan).
public struct SavedPlan: Codable, Sendable {
    public static let formatVersion = 1

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
            throw SavedPlanError.unreadable(path, String(describing: error.localizedDescription))
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        let saved: SavedPlan
        do {
            saved = try decoder.decode(SavedPlan.self, from: data)
        } catch {
            throw SavedPlanError.notASavedPlan(path)
        }
        guard saved.formatVersion == formatVersion else { throw SavedPlanError.formatVersion(path, saved.formatVersion) }
        return saved
    }

    /// Why this saved plan may no longer be applied, or nil when it may: the plan
    /// files changed, or the state moved on since it was made.
    public func staleness(inputDigest: String, lineage: String?, serial: Int64) -> SavedPlanError? {
        if inputDigest != changes.inputDigest { return .planFilesChanged }
        if let saved = changes.stateLineage, let lineage, saved != lineage { return .otherLineage(saved, lineage) }
        if serial != changes.stateSerial { return .stateMovedOn(planned: changes.stateSerial, now: serial) }
        return nil
    }
}

public enum SavedPlanError: Error, Equatable, LocalizedError {
    case unreadable(String, String)
    case notASavedPlan(String)
    case formatVersion(String, Int)
    case planFilesChanged
    case otherLineage(String, String)
    case stateMovedOn(planned: Int64, now: Int64)

    public var errorDescription: String? {
        switch self {
        case let .unreadable(path, why): return "cannot read \(path): \(why)"
        case .notASavedPlan(let path): return "\(path) is not a saved decant plan"
        case let .formatVersion(path, v): return "\(path) is a saved plan of format \(v); this decant reads format \(SavedPlan.formatVersion)"
        case .planFilesChanged: return "the saved plan is stale: the plan files changed since it was made; run decant plan again"
        case let .otherLineage(a, b): return "the saved plan was made against another state (lineage \(a), now \(b)); run decant plan again"
        case let .stateMovedOn(planned, now): return "the saved plan is stale: it was made against state serial \(planned), the state is now at serial \(now); run decant plan again"
        }
    }
}
