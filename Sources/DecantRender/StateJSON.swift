import DecantCore
import Foundation

/// `decant state list|show|history --format json`: one versioned document per
/// view, kept apart from the state's rows so they can change without breaking the
/// machines that read it. Format version 1; see README "decant state".
public struct StateJSONRenderer: Sendable {
    public static let formatVersion = "1"
    public var environment: String
    /// Where the state lives (`state/dev.db`, `gs://b/p/dev.db`).
    public var location: String
    /// Nil when there is no state yet.
    public var lineage: String?
    /// The newest run's serial, 0 before the first apply.
    public var serial: Int64
    public var decantVersion: String

    public init(environment: String, location: String, lineage: String?, serial: Int64, decantVersion: String = DecantVersion.current) {
        self.decantVersion = decantVersion
        self.environment = environment
        self.location = location
        self.lineage = lineage
        self.serial = serial
    }

    /// `history`: every run, oldest first.
    public func history(_ runs: [RunSummary]) -> String {
        var document = self.document
        document.runs = runs.map(StateJSON.Run.init)
        return encode(document)
    }

    /// `list`: what decant manages now.
    public func list(_ listing: StateListing) -> String {
        var document = self.document
        document.createdBuckets = listing.createdBuckets.map(StateJSON.CreatedBucket.init)
        document.bucketChanges = listing.bucketChanges.map(StateJSON.BucketChange.init)
        document.migrations = listing.migrations.map(StateJSON.Migration.init)
        document.codeEdits = listing.codeEdits.map(StateJSON.CodeEdit.init)
        return encode(document)
    }

    /// `show`: the totals (absent when there is no state yet) and the lock (absent when free).
    public func show(_ stats: StateStats?, lock: LockInfo?) -> String {
        var document = self.document
        document.stats = stats.map(StateJSON.Stats.init)
        document.lock = lock.map(StateJSON.Lock.init)
        return encode(document)
    }

    var document: StateJSON {
        StateJSON(decantVersion: decantVersion, environment: environment,
                  state: .init(location: location, lineage: lineage, serial: serial))
    }

    func encode(_ document: StateJSON) -> String { (try? JSONDocument.encode(document)) ?? "{}\n" }
}

/// The state document, format version 1. Every view carries the header; each
/// fills its own sections and leaves the others out.
struct StateJSON: Encodable {
    var formatVersion = StateJSONRenderer.formatVersion
    var decantVersion: String
    var environment: String
    var state: Header
    // history
    var runs: [Run]?
    // list
    var createdBuckets: [CreatedBucket]?
    var bucketChanges: [BucketChange]?
    var migrations: [Migration]?
    var codeEdits: [CodeEdit]?
    // show
    var stats: Stats?
    var lock: Lock?

    struct Header: Encodable { var location: String; var lineage: String?; var serial: Int64 }

    struct Run: Encodable {
        var serial: Int64
        var kind: String
        var status: String
        var started: Date
        var finished: Date?
        var user: String
        var host: String
        var pid: Int32
        var decantVersion: String
        var planDigest: String?
        var inputDigest: String?
        var rollbackTo: Int64?
        var pinnedNow: Date?
        var deletesByPinnedNow: Bool
        var lockLost: Bool
        var promotionIgnored: Int
        var ledger: Ledger
        var actions: Actions

        /// Ledger rows the run wrote.
        struct Ledger: Encodable {
            var bucketsCreated: Int
            var bucketsChanged: Int
            var objectsCopied: Int
            var bytesCopied: Int64
            var objectsAdopted: Int
            var objectsVerified: Int
            var objectsDeleted: Int
            var codeEdits: Int
            var copiesRemoved: Int
            var adoptedForgotten: Int
            var sourcesRestored: Int
            var codeReverted: Int
            var bucketsDeleted: Int
            var bucketsRestored: Int
            var accessSet: Int
            var accessRestored: Int
        }
        /// Its actions by how they ended; `unfinished` were begun and never finished.
        struct Actions: Encodable { var done: Int; var failed: Int; var unfinished: Int }

        init(_ summary: RunSummary) {
            let r = summary.run, l = summary.ledger
            serial = r.serial; kind = r.kind.rawValue; status = r.status.rawValue; started = r.started; finished = r.finished
            user = r.owner.user; host = r.owner.host; pid = r.owner.pid; decantVersion = r.version
            planDigest = r.planDigest; inputDigest = r.inputDigest; rollbackTo = r.rollbackTo
            pinnedNow = r.pinnedNow; deletesByPinnedNow = r.deletesByPinnedNow; lockLost = r.lostItsLock
            promotionIgnored = r.promotionIgnored
            ledger = Ledger(bucketsCreated: l.bucketsCreated, bucketsChanged: l.bucketsChanged, objectsCopied: l.objectsCopied,
                            bytesCopied: l.bytesCopied, objectsAdopted: l.objectsAdopted, objectsVerified: l.objectsVerified,
                            objectsDeleted: l.objectsDeleted, codeEdits: l.codeEdits, copiesRemoved: l.copiesRemoved,
                            adoptedForgotten: l.adoptedForgotten, sourcesRestored: l.sourcesRestored, codeReverted: l.codeReverted,
                            bucketsDeleted: l.bucketsDeleted, bucketsRestored: l.bucketsRestored,
                            accessSet: l.accessSet, accessRestored: l.accessRestored)
            actions = Actions(done: summary.journal.done, failed: summary.journal.failed, unfinished: summary.journal.intent)
        }
    }

    /// A setting as the plan file writes it.
    struct Setting: Encodable { var field: String; var value: String }

    struct CreatedBucket: Encodable {
        var name: String
        var project: String?
        var serial: Int64
        var created: Date
        var settings: [Setting]
        init(_ row: CreatedBucketRow) {
            name = row.name; project = row.project; serial = row.serial; created = row.created
            settings = Format.settingValues(row.settings).map { Setting(field: $0.field.rawValue, value: $0.value) }
        }
    }

    /// The settings that differ between before and after decant's change, as the plan printed them.
    struct BucketChange: Encodable {
        var name: String
        var serial: Int64
        var changed: Date
        var fields: [JSONPlan.Bucket.Field]
        init(_ row: BucketChangeRow) {
            name = row.change.name; serial = row.serial; changed = row.changed
            let before = Dictionary(uniqueKeysWithValues: Format.settingValues(row.change.previous).map { ($0.field, $0.value) })
            let after = Dictionary(uniqueKeysWithValues: Format.settingValues(row.change.new).map { ($0.field, $0.value) })
            fields = BucketSettings.Field.allCases.filter { before[$0] != after[$0] }
                .map { JSONPlan.Bucket.Field(field: $0.rawValue, before: before[$0], after: after[$0]) }
        }
    }

    struct Migration: Encodable {
        var migration: String
        var copies: Int
        var verified: Int
        var adopted: Int
        var bytes: Int64
        var deletedSources: Int
        init(_ m: MigrationTotals) {
            migration = m.migration; copies = m.copies; verified = m.verified; adopted = m.adopted; bytes = m.bytes
            deletedSources = m.deletedSources
        }
    }

    struct CodeEdit: Encodable {
        var path: String
        var serial: Int64
        var edited: Date
        var migrations: [String]
        var beforeSha256: String
        var afterSha256: String
        init(_ row: CodeEditRow) {
            path = row.edit.path; serial = row.serial; edited = row.edited; migrations = row.edit.migrations
            beforeSha256 = row.edit.beforeHash; afterSha256 = row.edit.afterHash
        }
    }

    struct Stats: Encodable {
        var schemaVersion: Int
        var runs: Int
        var runsByStatus: [String: Int]
        var currentCopies: Int
        var currentBytes: Int64
        var verifiedCopies: Int
        var adoptedCopies: Int
        var adoptedBytes: Int64
        var deletedSources: Int
        var restoredSources: Int
        var liveCreatedBuckets: Int
        var bucketChanges: Int
        var codeEdits: Int
        var pendingIntents: Int
        var fileBytes: Int64
        init(_ s: StateStats) {
            schemaVersion = s.schemaVersion; runs = s.runs; runsByStatus = s.runsByStatus
            currentCopies = s.currentCopies; currentBytes = s.currentBytes; verifiedCopies = s.verifiedCopies
            adoptedCopies = s.adoptedCopies; adoptedBytes = s.adoptedBytes; deletedSources = s.deletedSources
            restoredSources = s.restoredSources; liveCreatedBuckets = s.liveCreatedBuckets; bucketChanges = s.bucketChanges
            codeEdits = s.codeEdits; pendingIntents = s.pendingIntents; fileBytes = s.fileBytes
        }
    }

    struct Lock: Encodable {
        var id: String
        var who: String
        var host: String
        var pid: Int32
        var operation: String
        var created: Date
        var decantVersion: String
        init(_ l: LockInfo) {
            id = l.id; who = l.who; host = l.host; pid = l.pid; operation = l.operation; created = l.created; decantVersion = l.version
        }
    }
}
