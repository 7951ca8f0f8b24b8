import Foundation

/// What a plan built by `decant rollback` undoes, for review: the runs it reaches
/// back over, each kind of undo step with counts, bytes and samples, and what it
/// refuses to touch and why. Steps marked "record only" found the store or the
/// code already as the rollback leaves them (a rollback cut short, or someone
/// else did it): only the ledger changes.
public struct RollbackReport: Hashable, Sendable, Codable {
    /// `--to`: the serial whose state the rollback returns to.
    public var target: Int64
    /// The runs after `target`, newest first.
    public var runs: [RunUndone]
    /// Deleted source objects copied back from their verified copies, per migration.
    public var restores: [ObjectGroup]
    /// Target copies decant made, deleted, per migration and target bucket.
    public var removals: [ObjectGroup]
    /// Adopted copies (objects that were there before decant): their record is
    /// dropped, the objects stay.
    public var forgotten: [ObjectGroup]
    /// Code edits reverted, newest first.
    public var reverts: [CodeRevert]
    /// Buckets whose previous settings are patched back.
    public var bucketRestores: [BucketRestore]
    /// Buckets decant created, deleted once empty.
    public var bucketDeletions: [BucketDeletion]
    /// What the rollback leaves alone, grouped by reason.
    public var refusals: [Refusal]

    public init(target: Int64, runs: [RunUndone] = [], restores: [ObjectGroup] = [], removals: [ObjectGroup] = [],
                forgotten: [ObjectGroup] = [], reverts: [CodeRevert] = [], bucketRestores: [BucketRestore] = [],
                bucketDeletions: [BucketDeletion] = [], refusals: [Refusal] = []) {
        self.target = target
        self.runs = runs
        self.restores = restores
        self.removals = removals
        self.forgotten = forgotten
        self.reverts = reverts
        self.bucketRestores = bucketRestores
        self.bucketDeletions = bucketDeletions
        self.refusals = refusals
    }

    /// Nothing to undo and nothing refused: everything after `target` is undone already.
    public var isEmpty: Bool {
        restores.isEmpty && removals.isEmpty && forgotten.isEmpty && reverts.isEmpty && bucketRestores.isEmpty
            && bucketDeletions.isEmpty && refusals.isEmpty
    }

    /// Items the rollback leaves for a person.
    public var refusedCount: Int { refusals.reduce(0) { $0 + $1.tally.objects } }

    /// One run reached back over.
    public struct RunUndone: Hashable, Sendable, Codable {
        public var serial: Int64
        /// `apply` or `rollback`.
        public var kind: String
        public var status: String
        public var started: Date

        public init(serial: Int64, kind: String, status: String, started: Date) {
            self.serial = serial
            self.kind = kind
            self.status = status
            self.started = started
        }
    }

    /// Objects of one migration and bucket: to do, record only, and samples
    /// (`source` → `target` as the step moves or names them, full `gs://` URLs).
    public struct ObjectGroup: Hashable, Sendable, Codable {
        public var migration: String
        /// The bucket written to (restores) or removed from (removals, forgotten).
        public var bucket: String
        public var tally: Tally
        /// Already as the rollback leaves them: only recorded.
        public var recordOnly: Tally
        public var samples: [ObjectMapping]

        public init(migration: String, bucket: String, tally: Tally = Tally(), recordOnly: Tally = Tally(),
                    samples: [ObjectMapping] = []) {
            self.migration = migration
            self.bucket = bucket
            self.tally = tally
            self.recordOnly = recordOnly
            self.samples = samples
        }

        public var total: Tally { tally + recordOnly }
    }

    /// One code edit to revert.
    public struct CodeRevert: Hashable, Sendable, Codable {
        public var path: String
        /// The serial of the run that made the edit.
        public var editSerial: Int64
        /// The file already holds its content from before the edit.
        public var recordOnly: Bool
        /// The diff that reverts the edit.
        public var patch: String

        public init(path: String, editSerial: Int64, recordOnly: Bool, patch: String) {
            self.path = path
            self.editSerial = editSerial
            self.recordOnly = recordOnly
            self.patch = patch
        }
    }

    /// One bucket whose settings go back to what they were before decant changed them.
    public struct BucketRestore: Hashable, Sendable, Codable {
        public var name: String
        /// The serials of the changes undone.
        public var serials: [Int64]
        /// `before`: as decant left it; `after`: as it was before decant.
        public var changes: [SettingChange]
        /// The bucket already has its previous settings.
        public var recordOnly: Bool

        public init(name: String, serials: [Int64], changes: [SettingChange], recordOnly: Bool) {
            self.name = name
            self.serials = serials
            self.changes = changes
            self.recordOnly = recordOnly
        }
    }

    /// One bucket decant created, to delete.
    public struct BucketDeletion: Hashable, Sendable, Codable {
        public var name: String
        public var createdSerial: Int64
        /// Already gone.
        public var recordOnly: Bool

        public init(name: String, createdSerial: Int64, recordOnly: Bool) {
            self.name = name
            self.createdSerial = createdSerial
            self.recordOnly = recordOnly
        }
    }

    /// Things left alone for one reason: how many, their bytes, a few examples.
    public struct Refusal: Hashable, Sendable, Codable {
        /// The step that would have handled them.
        public var kind: ActionKind
        public var reason: RefusalReason
        public var tally: Tally
        /// Up to five, each naming the object, file or bucket and its particulars.
        public var samples: [String]

        public init(kind: ActionKind, reason: RefusalReason, tally: Tally = Tally(), samples: [String] = []) {
            self.kind = kind
            self.reason = reason
            self.tally = tally
            self.samples = samples
        }
    }
}
