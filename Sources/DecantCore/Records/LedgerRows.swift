import Foundation

/// A bucket decant created.
public struct CreatedBucketRow: Hashable, Sendable, Codable {
    public var id: Int64
    public var name: String
    public var project: String?
    public var settings: BucketSettings
    public var serial: Int64
    public var created: Date
    /// Set once a rollback deleted it.
    public var deletedSerial: Int64?

    public init(id: Int64, name: String, project: String?, settings: BucketSettings, serial: Int64, created: Date,
                deletedSerial: Int64?) {
        self.id = id
        self.name = name
        self.project = project
        self.settings = settings
        self.serial = serial
        self.created = created
        self.deletedSerial = deletedSerial
    }
}

/// A change decant made to a bucket's settings.
public struct BucketChangeRecord: Hashable, Sendable, Codable {
    public var name: String
    public var actionID: ActionID?
    public var previous: BucketSettings
    public var new: BucketSettings
    public var metagenerationBefore: Int64?
    public var metagenerationAfter: Int64?

    public init(name: String, actionID: ActionID? = nil, previous: BucketSettings, new: BucketSettings,
                metagenerationBefore: Int64?, metagenerationAfter: Int64?) {
        self.name = name
        self.actionID = actionID
        self.previous = previous
        self.new = new
        self.metagenerationBefore = metagenerationBefore
        self.metagenerationAfter = metagenerationAfter
    }
}

public struct BucketChangeRow: Hashable, Sendable, Codable {
    public var id: Int64
    public var change: BucketChangeRecord
    public var serial: Int64
    public var changed: Date
    /// Set once a rollback restored the previous settings.
    public var restoredSerial: Int64?

    public init(id: Int64, change: BucketChangeRecord, serial: Int64, changed: Date, restoredSerial: Int64?) {
        self.id = id
        self.change = change
        self.serial = serial
        self.changed = changed
        self.restoredSerial = restoredSerial
    }
}

/// A code edit decant applied.
public struct CodeEditRow: Hashable, Sendable, Codable {
    public var id: Int64
    public var edit: CodeEdit
    public var serial: Int64
    public var edited: Date
    public var revertedSerial: Int64?

    public init(id: Int64, edit: CodeEdit, serial: Int64, edited: Date, revertedSerial: Int64?) {
        self.id = id
        self.edit = edit
        self.serial = serial
        self.edited = edited
        self.revertedSerial = revertedSerial
    }
}

/// What the ledger holds for one migration (`decant state list`).
public struct MigrationTotals: Hashable, Sendable, Codable {
    public var migration: String
    public var copies: Int
    public var verified: Int
    public var adopted: Int
    public var bytes: Int64
    public var deletedSources: Int

    public init(migration: String, copies: Int, verified: Int, adopted: Int, bytes: Int64, deletedSources: Int) {
        self.migration = migration
        self.copies = copies
        self.verified = verified
        self.adopted = adopted
        self.bytes = bytes
        self.deletedSources = deletedSources
    }
}

/// What `decant state list` shows: what decant manages now, nothing a rollback undid.
public struct StateListing: Hashable, Sendable {
    /// Buckets decant created and no rollback deleted.
    public var createdBuckets: [CreatedBucketRow]
    /// Settings decant changed and no rollback restored.
    public var bucketChanges: [BucketChangeRow]
    /// Current copies and deletions, per migration.
    public var migrations: [MigrationTotals]
    /// Code edits no rollback reverted.
    public var codeEdits: [CodeEditRow]

    public init(createdBuckets: [CreatedBucketRow] = [], bucketChanges: [BucketChangeRow] = [], migrations: [MigrationTotals] = [],
                codeEdits: [CodeEditRow] = []) {
        self.createdBuckets = createdBuckets
        self.bucketChanges = bucketChanges
        self.migrations = migrations
        self.codeEdits = codeEdits
    }
}
