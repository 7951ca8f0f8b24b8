import Foundation

/// The closed set of things decant does, each with the symbol plans print.
public enum ActionKind: String, Hashable, Sendable, Codable, CaseIterable {
    case createBucket = "create_bucket"
    case updateBucket = "update_bucket"
    case setLifecycle = "set_lifecycle"
    case copy
    case verify
    case rewriteCode = "rewrite_code"
    case deleteSource = "delete_source"
    /// Who may use a bucket: its IAM policy, for the roles the plan declares.
    case setBucketIAM = "set_bucket_iam"
    // Rollback builds plans from these.
    case restoreObject = "restore_object"
    case deleteCopy = "delete_copy"
    case revertCode = "revert_code"
    case restoreBucket = "restore_bucket"
    case deleteBucket = "delete_bucket"
    /// Puts back the IAM policy a set_bucket_iam replaced.
    case restoreBucketIAM = "restore_bucket_iam"

    /// `+` creates, `~` changes in place, `-` deletes, `=` checks without changing.
    public var symbol: Character {
        switch self {
        case .createBucket, .copy, .restoreObject: return "+"
        case .updateBucket, .setLifecycle, .rewriteCode, .revertCode, .restoreBucket, .setBucketIAM, .restoreBucketIAM:
            return "~"
        case .deleteSource, .deleteCopy, .deleteBucket: return "-"
        case .verify: return "="
        }
    }

    /// True for actions that remove data.
    public var isDestructive: Bool { symbol == "-" }
}

/// A stable name for an action within a plan (`copy:historization:0003`).
public struct ActionID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ parts: String...) { rawValue = parts.joined(separator: ":") }
    public static func < (a: ActionID, b: ActionID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { rawValue }

    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// One node of the action graph: what to do, to what, why, and after what.
public struct Action: Hashable, Sendable, Codable {
    public var id: ActionID
    public var kind: ActionKind
    /// The migration this action serves, if any.
    public var migration: String?
    /// The bucket it acts on (or writes to).
    public var bucket: String?
    /// Why the planner chose it (the renderers put it in words).
    public var reason: ActionReason
    public var dependsOn: [ActionID]
    public var payload: ActionPayload
    /// For a rollback: the ledger rows this action undoes (a code edit's id, the
    /// bucket changes a restore_bucket reverts). Nil for everything apply plans.
    public var ledgerIDs: [Int64]?

    public init(id: ActionID, kind: ActionKind, migration: String? = nil, bucket: String? = nil, reason: ActionReason,
                dependsOn: [ActionID] = [], payload: ActionPayload, ledgerIDs: [Int64]? = nil) {
        self.id = id
        self.kind = kind
        self.migration = migration
        self.bucket = bucket
        self.reason = reason
        self.dependsOn = dependsOn
        self.payload = payload
        self.ledgerIDs = ledgerIDs
    }

    /// The action's objects, read from the spool when they live there. For tests and
    /// small plans; a run reads them with `loadObjects()`, which says why it cannot.
    public var objects: [ObjectItem] {
        do {
            return try loadObjects()
        } catch {
            preconditionFailure("\(id): \(error)")
        }
    }

    public func loadObjects() throws -> [ObjectItem] {
        switch payload {
        case .objects(let items): return items
        case .spooled(let batch): return try batch.items()
        case .spooledList(let list): return try list.allItems()
        default: return []
        }
    }

    /// How many objects, and their bytes, without reading a spooled list.
    public var objectTally: Tally {
        switch payload {
        case .objects(let items): return items.reduce(into: Tally()) { $0.add($1.content.size) }
        case .spooled(let batch): return batch.tally
        case .spooledList(let list): return list.total
        default: return Tally()
        }
    }

    /// Of them, the objects only recorded (adopted).
    public var adoptedTally: Tally {
        switch payload {
        case .objects(let items): return items.filter(\.adopt).reduce(into: Tally()) { $0.add($1.content.size) }
        case .spooled(let batch): return Tally(objects: batch.adopted, bytes: batch.adoptedBytes)
        case .spooledList(let list): return list.adopted
        default: return Tally()
        }
    }
}

/// What an action needs to run exactly as reviewed.
public enum ActionPayload: Hashable, Sendable, Codable {
    /// create_bucket.
    case createBucket(BucketCreation)
    /// update_bucket, set_lifecycle, restore_bucket.
    case patchBucket(BucketChange)
    /// copy, verify, delete_source, restore_object, delete_copy.
    case objects([ObjectItem])
    /// The same, for a plan's lists: one batch kept in the plan's `ObjectSpool`.
    case spooled(ObjectBatch)
    /// Many batches for one action: a Storage Transfer Service job's objects.
    case spooledList(SpooledList)
    /// rewrite_code, revert_code.
    case code(CodeEdit)
    /// delete_bucket (only a bucket decant created, only when empty).
    case deleteBucket(name: String)
    /// set_bucket_iam, restore_bucket_iam.
    case bucketIAM(BucketIAMChange)
}

public struct BucketCreation: Hashable, Sendable, Codable {
    public var name: String
    public var project: String?
    public var settings: BucketSettings

    public init(name: String, project: String?, settings: BucketSettings) {
        self.name = name
        self.project = project
        self.settings = settings
    }
}

/// A patch of one bucket with the field-by-field difference for review, the
/// settings it replaces (for rollback) and the metageneration it was planned against.
public struct BucketChange: Hashable, Sendable, Codable {
    public var name: String
    public var patch: BucketPatch
    public var changes: [SettingChange]
    public var previous: BucketSettings
    public var expectedMetageneration: Int64?

    public init(name: String, patch: BucketPatch, changes: [SettingChange], previous: BucketSettings,
                expectedMetageneration: Int64?) {
        self.name = name
        self.patch = patch
        self.changes = changes
        self.previous = previous
        self.expectedMetageneration = expectedMetageneration
    }
}

/// One setting before and after, as text for people.
public struct SettingChange: Hashable, Sendable, Codable {
    public var field: BucketSettings.Field
    public var before: String?
    public var after: String?

    public init(field: BucketSettings.Field, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }
}

/// A named generation of an object (`generation` nil: whatever is live, or, as a
/// destination, "must not exist yet").
public struct ObjectRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public var bucket: String
    public var name: String
    public var generation: Int64?

    public init(bucket: String, name: String, generation: Int64? = nil) {
        self.bucket = bucket
        self.name = name
        self.generation = generation
    }

    public var description: String { "gs://\(bucket)/\(name)" + (generation.map { "#\($0)" } ?? "") }
}

/// One object of a batch action.
/// - copy: `source` (with its generation) to `target` (`generation` nil: the target
///   must not exist; set: it must still be that generation, for an allowed overwrite).
/// - verify: compare `target` with `content`; an item without a copy in this run
///   (`adopt`) was found already copied and is recorded once it checks out.
/// - delete_source / delete_copy: delete `source` at its generation; `target` names the
///   verified copy that justifies it.
/// - restore_object: copy `source` (a verified target copy) back to `target` (the original name).
///   In a rollback, `ledgerID` names the ledger row undone: the deletion for
///   restore_object, the copy for delete_copy (where `adopt` means the object
///   existed before decant: only its record is dropped, the object stays).
public struct ObjectItem: Hashable, Sendable, Codable {
    public var source: ObjectRef
    public var target: ObjectRef?
    /// Size and checksums of `source` as observed when planning.
    public var content: ContentIdentity
    /// The source's creation time (to keep ages with `preserve_age`).
    public var sourceCreated: Date?
    /// `customTime` to set on the copy.
    public var customTime: Date?
    public var storageClass: StorageClass?
    /// For verify: the copy was made before this run and is only being recorded.
    public var adopt: Bool
    /// For a rollback: the deletion (restore_object) or copy (delete_copy) row it undoes.
    public var ledgerID: Int64?

    public init(source: ObjectRef, target: ObjectRef?, content: ContentIdentity, sourceCreated: Date? = nil,
                customTime: Date? = nil, storageClass: StorageClass? = nil, adopt: Bool = false, ledgerID: Int64? = nil) {
        self.source = source
        self.target = target
        self.content = content
        self.sourceCreated = sourceCreated
        self.customTime = customTime
        self.storageClass = storageClass
        self.adopt = adopt
        self.ledgerID = ledgerID
    }
}
