import DecantCore
import Foundation

/// `decant analyze --format json`: a versioned schema kept apart from the
/// internal types (format version 1; see docs/json.md).
public struct AnalysisJSONRenderer: Sendable {
    public static let formatVersion = "1"

    public init() {}

    public func render(_ analysis: BucketAnalysis) -> String {
        return (try? JSONDocument.encode(JSONAnalysis(analysis))) ?? "{}\n"
    }
}

/// The analysis document, format version 1.
struct JSONAnalysis: Encodable {
    var formatVersion = AnalysisJSONRenderer.formatVersion
    var decantVersion = DecantVersion.current
    var environment: String
    var bucket: String
    var analysedAt: Date
    var thresholds: Thresholds
    var depth: Int
    var code: Code?
    var rootObjects: Stats
    var containers: [String]
    var folders: [Folder]
    var unreferenced: [String]
    var missing: [Missing]
    var unresolved: [Reference]
    var phases: [Phase]
    var location: String?
    var priceTable: CostJSON.PriceTableJSON?

    struct Thresholds: Encodable { var hotDays: Int; var coldDays: Int }
    struct Code: Encodable { var root: String; var filesScanned: Int; var sourceRefs: [String] }
    struct Stats: Encodable {
        var objects: Int
        var bytes: Int64
        var oldest: Date?
        var newest: Date?
        init(_ s: FolderStats) { objects = s.objects; bytes = s.bytes; oldest = s.oldest; newest = s.newest }
    }
    struct Reference: Encodable {
        var path: String
        var line: Int
        var column: Int
        var form: String
        var direction: String
        var bucket: String
        var objectPath: String
        /// literal, constant, imported, local, parameter, launcher, mention.
        var via: String?
        var through: String?
        var launcher: String?
        var note: String?
        var reason: String?
        init(_ r: CodeReference) {
            path = r.path; line = r.line; column = r.column; form = r.form.rawValue; direction = r.direction.rawValue
            bucket = r.bucketText; objectPath = r.objectPath
            via = r.via?.rawValue; through = r.through; launcher = r.launcher; note = r.note; reason = r.unrewritableReason
        }
    }
    struct Shared: Encodable { var path: String; var otherFolders: [String] }
    struct Isolation: Encodable { var level: String; var consumers: [String]; var sharedFiles: [Shared] }
    struct Suggestion: Encodable {
        var bucket: String
        var storageClass: String
        var lifecyclePolicy: String
        var lifecycle: [Transition]
        struct Transition: Encodable { var storageClass: String; var ageDays: Int }
    }
    struct Folder: Encodable {
        var path: String
        var directObjectsOnly: Bool
        var stats: Stats
        var temperature: String
        var writers: [String]
        var readers: [String]
        var mentions: [String]
        var launchers: [String]
        var references: [Reference]
        var isolation: Isolation
        var externalWriter: Bool
        var externalReader: Bool
        var tier: Int
        var tierTitle: String
        var reasons: [String]
        var suggested: Suggestion
        /// What moving it to the suggestion costs and saves (absent when not costed).
        var cost: CostJSON?
    }
    struct Missing: Encodable { var path: String; var references: [Reference] }
    struct Phase: Encodable { var phase: Int; var title: String; var folders: [String] }

    init(_ a: BucketAnalysis) {
        environment = a.environment
        bucket = a.bucket
        analysedAt = a.now
        thresholds = Thresholds(hotDays: a.thresholds.hotDays, coldDays: a.thresholds.coldDays)
        depth = a.depth
        code = a.code.map { Code(root: $0.root, filesScanned: $0.filesScanned, sourceRefs: $0.sourceRefs) }
        rootObjects = Stats(a.rootObjects)
        containers = a.containers
        folders = a.folders.map { f in
            let s = f.temperature.suggestedStorage
            return Folder(
                path: f.path, directObjectsOnly: f.directObjectsOnly, stats: Stats(f.stats), temperature: f.temperature.rawValue,
                writers: f.writers, readers: f.readers, mentions: f.mentions, launchers: f.launchers, references: f.references.map(Reference.init),
                isolation: Isolation(level: f.isolation.rawValue, consumers: f.consumers,
                                     sharedFiles: f.sharedFiles.map { Shared(path: $0.path, otherFolders: $0.otherFolders) }),
                externalWriter: f.externalWriter, externalReader: f.externalReader, tier: f.tier.rawValue, tierTitle: f.tier.title,
                reasons: f.reasons,
                suggested: Suggestion(bucket: "\(f.useCase)-bucket-\(a.environment)", storageClass: s.storageClass.rawValue,
                                      lifecyclePolicy: s.policy,
                                      lifecycle: s.rules.map { Suggestion.Transition(storageClass: $0.storageClass.rawValue, ageDays: $0.ageDays) }),
                cost: f.cost.map { CostJSON(cost: $0) })
        }
        unreferenced = a.code == nil ? [] : a.unreferenced.map(\.path)
        missing = a.missing.map { Missing(path: $0.path, references: $0.references.map(Reference.init)) }
        unresolved = a.unresolved.map(Reference.init)
        location = a.location
        priceTable = a.prices.map(CostJSON.PriceTableJSON.init)
        phases = a.phases.map { Phase(phase: $0.tier.rawValue, title: $0.tier.phaseTitle, folders: $0.folders.map(\.path)) }
    }
}
