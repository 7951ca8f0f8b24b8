import Foundation

/// What `decant plan` found and intends to do for one environment: data first
/// (the action graph), with the summaries a reviewer reads. Renderers turn it
/// into text, Markdown or JSON; a saved plan stores it whole.
public struct PlannedChanges: Hashable, Sendable, Codable {
    public var environment: String
    public var generatedAt: Date
    public var decantVersion: String
    public var inputDigest: String
    public var stateLineage: String?
    public var stateSerial: Int64
    /// `--target` and `--phase`, when given.
    public var selection: Selection
    public var buckets: [BucketPlan]
    public var migrations: [MigrationPlan]
    public var leftovers: LeftoverReport?
    public var code: CodePlan?
    /// Warnings and errors found while planning (errors block the plan).
    public var diagnostics: [Diagnostic]
    public var graph: ActionGraph
    /// Set on a plan built by `decant rollback` from the ledger: what it undoes,
    /// and what it must leave for a person. Nil on every plan `decant plan` makes.
    public var rollback: RollbackReport?
    /// What applying this plan costs and saves, with the prices it used; nil on rollback plans.
    public var cost: PlanCost?
    /// `--now`, when the plan was made with a pinned clock (recorded with the run).
    public var pinnedNow: PinnedNow?
    /// `promotion:` for this environment: what the earlier environment applied (nil without one).
    public var promotion: PromotionReport?
    /// The `--max-delete` the plan was made under: a saved plan is applied under it
    /// unless `apply` is given another.
    public var maxDelete: Int?
    /// Said once per plan about access (that project-level grants are not visible,
    /// or that the store keeps no IAM policies to check); nil when nothing was checked.
    public var accessNotes: [AccessWarning]?

    public init(environment: String, generatedAt: Date, decantVersion: String = DecantVersion.current, inputDigest: String,
                stateLineage: String?, stateSerial: Int64, selection: Selection = Selection(), buckets: [BucketPlan] = [],
                migrations: [MigrationPlan] = [], leftovers: LeftoverReport? = nil, code: CodePlan? = nil,
                diagnostics: [Diagnostic] = [], graph: ActionGraph = ActionGraph(), rollback: RollbackReport? = nil) {
        self.environment = environment
        self.generatedAt = generatedAt
        self.decantVersion = decantVersion
        self.inputDigest = inputDigest
        self.stateLineage = stateLineage
        self.stateSerial = stateSerial
        self.selection = selection
        self.buckets = buckets
        self.migrations = migrations
        self.leftovers = leftovers
        self.code = code
        self.diagnostics = diagnostics
        self.graph = graph
        self.rollback = rollback
    }

    public struct Selection: Hashable, Sendable, Codable {
        public var targets: [String]
        public var phase: Int?
        public init(targets: [String] = [], phase: Int? = nil) {
            self.targets = targets
            self.phase = phase
        }
        public var isEverything: Bool { targets.isEmpty && phase == nil }
    }

    /// True when applying would change something.
    public var hasChanges: Bool { !graph.isEmpty }
    public var hasErrors: Bool { diagnostics.hasErrors }

    /// Counts per action kind, objects and bytes, for the closing line.
    public var summary: Summary { Summary(self) }

    public struct Summary: Hashable, Sendable, Codable {
        public var bucketsToCreate = 0
        public var bucketsToUpdate = 0
        public var copy = Tally()
        public var adopt = Tally()
        public var delete = Tally()
        public var filesToEdit = 0
        /// Bucket IAM policies set (or put back).
        public var policiesToSet = 0
        public var conflicts = 0
        public var blockedMigrations = 0

        public init() {}

        init(_ plan: PlannedChanges) {
            for action in plan.graph.actions {
                switch action.kind {
                case .createBucket: bucketsToCreate += 1
                case .updateBucket, .setLifecycle, .restoreBucket:
                    bucketsToUpdate += 1
                case .copy, .restoreObject: copy = copy + action.objectTally
                case .verify: adopt = adopt + action.adoptedTally
                case .deleteSource, .deleteCopy: delete = delete + action.objectTally
                case .rewriteCode, .revertCode: filesToEdit += 1
                case .setBucketIAM, .restoreBucketIAM: policiesToSet += 1
                case .deleteBucket: break
                }
            }
            // A bucket both updated and relabelled counts once.
            let patched = Set(plan.graph.actions.filter { [.updateBucket, .setLifecycle, .restoreBucket].contains($0.kind) }.compactMap(\.bucket))
            bucketsToUpdate = patched.count
            conflicts = plan.migrations.reduce(0) { $0 + $1.conflicts.objects }
            blockedMigrations = plan.migrations.filter { !$0.blockers.isEmpty }.count
        }
    }
}

/// One managed bucket: what exists and what changes.
public struct BucketPlan: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable {
        case create, update, unchanged
    }

    public var key: String
    public var name: String
    public var status: Status
    public var changes: [SettingChange]
    /// Settings the plan asks for when creating.
    public var settings: BucketSettings?
    /// Settings the store does not report, so they were not compared.
    public var notCompared: [BucketSettings.Field]
    /// Who may use the bucket, when the plan declares it (`iam:`).
    public var access: BucketAccessPlan?

    public init(key: String, name: String, status: Status, changes: [SettingChange] = [], settings: BucketSettings? = nil,
                notCompared: [BucketSettings.Field] = []) {
        self.key = key
        self.name = name
        self.status = status
        self.changes = changes
        self.settings = settings
        self.notCompared = notCompared
    }
}

/// One migration: the per-object outcome of diffing source, target and ledger.
public struct MigrationPlan: Hashable, Sendable, Codable {
    public var key: String
    public var phase: Int
    public var description: String?
    public var source: BucketPath
    public var target: BucketPath
    /// Objects to copy (target absent).
    public var copy = Tally()
    /// Objects whose different target copy will be overwritten (`overwrite: different|always`).
    public var overwrite = Tally()
    /// Already identical and recorded as verified.
    public var inSync = Tally()
    /// Already identical but not recorded yet: verified and recorded on apply.
    public var adopt = Tally()
    /// Target differs and `overwrite: never`.
    public var conflicts = Tally()
    public var conflictSamples: [ObjectMapping] = []
    /// Source objects to delete in this run.
    public var delete = Tally()
    /// Source objects cleanup will delete later, and why not now.
    public var deleteHeld: [HeldDeletion] = []
    /// Objects under the source prefix that the selection leaves out, by reason.
    public var excluded: [Exclusion] = []
    /// Objects in the target that no selected source object maps to.
    public var targetOnly = Tally()
    /// Up to five example mappings of objects to copy (or in sync when nothing is to copy).
    public var samples: [ObjectMapping] = []
    /// Two or more source objects that map to one target name.
    public var collisions: [Collision] = []
    /// How the bytes move.
    public var movement: DataMovement
    /// What verification compares for this migration's copies.
    public var verifyLevel: VerifyLevel = .checksum
    /// What makes its copies and why; nil when it copies nothing.
    public var engine: EngineChoice?
    /// Reasons nothing of this migration will run.
    public var blockers: [String] = []
    public var warnings: [String] = []
    /// Who would lose access to this migration's objects at cutover, grants decant
    /// cannot judge, object ACLs that do not follow the copies (nil: not checked).
    public var accessWarnings: [AccessWarning]?
    /// Code that names this migration's source location.
    public var references: [CodeReference] = []
    /// What the move costs and saves.
    public var cost: MigrationCost?
    /// Code keeps this migration's sources from being deleted (`cleanup.delete_source`
    /// without `--allow-references`): `references` and the unplaced references to its
    /// bucket hold every deletion.
    public var referencesHold = false

    public init(key: String, phase: Int, description: String?, source: BucketPath, target: BucketPath,
                movement: DataMovement) {
        self.key = key
        self.phase = phase
        self.description = description
        self.source = source
        self.target = target
        self.movement = movement
    }

    public var hasWork: Bool { !copy.isZero || !overwrite.isZero || !adopt.isZero || !delete.isZero }

    public struct HeldDeletion: Hashable, Sendable, Codable {
        public var reason: HoldReason
        public var tally: Tally
        /// When the first of these becomes eligible, if known.
        public var eligibleFrom: Date?
        public init(reason: HoldReason, tally: Tally, eligibleFrom: Date? = nil) {
            self.reason = reason
            self.tally = tally
            self.eligibleFrom = eligibleFrom
        }
    }

    public struct Exclusion: Hashable, Sendable, Codable {
        public var reason: String
        public var tally: Tally
        public init(reason: String, tally: Tally) {
            self.reason = reason
            self.tally = tally
        }
    }
}

/// `source → target`, for samples and conflicts.
public struct ObjectMapping: Hashable, Sendable, Codable {
    public var source: String
    public var target: String
    public var size: Int64
    public init(source: String, target: String, size: Int64) {
        self.source = source
        self.target = target
        self.size = size
    }
}

public struct Collision: Hashable, Sendable, Codable {
    public var target: String
    public var sources: [String]
    public init(target: String, sources: [String]) {
        self.target = target
        self.sources = sources
    }
}

/// Whether a copy is a metadata-only rewrite or moves billed bytes.
public enum DataMovement: Hashable, Sendable, Codable {
    /// Same location and storage class: one call per object, no data moved.
    case metadataOnly
    /// Different location or storage class: multi-call rewrites, billed data movement.
    case moves(fromLocation: String?, toLocation: String?, fromClass: StorageClass?, toClass: StorageClass?)
    /// The target bucket does not exist yet or a location is unknown.
    case unknown(String)
}

/// Source subfolders that no migration covers: what stays behind.
public struct LeftoverReport: Hashable, Sendable, Codable {
    public var entries: [Entry]
    /// Leftovers were not computed (a `--target`/`--phase` selection), with the reason.
    public var note: String?

    public init(entries: [Entry], note: String? = nil) {
        self.entries = entries
        self.note = note
    }

    public struct Entry: Hashable, Sendable, Codable {
        public var bucket: String
        /// A folder (`ml_temp/`) or, for loose objects, the folder they sit in followed by `*`.
        public var prefix: String
        public var tally: Tally
        public init(bucket: String, prefix: String, tally: Tally) {
            self.bucket = bucket
            self.prefix = prefix
            self.tally = tally
        }
    }
}

/// The code side of a plan.
public struct CodePlan: Hashable, Sendable, Codable {
    public var filesScanned: Int
    public var edits: [CodeEdit]
    /// References that need a person, with the reason.
    public var unrewritable: [CodeReference]
    /// References to the source bucket that no migration covers.
    public var unmanaged: [CodeReference]
    /// `--allow-references` was given: deletion proceeds despite references.
    public var referencesOverridden: Bool
    /// References to a source bucket of the selected migrations whose path decant
    /// cannot place: each holds every deletion out of its bucket (invariant 3).
    public var unplaced: [CodeReference]
    /// Unplaced references a person acknowledged in `code.acknowledged`: they hold nothing.
    public var acknowledged: [AcknowledgedReference]
    /// Files not scanned under their own path, with the reason.
    public var skipped: [SkippedFile]
    /// Files reached through a link out of the code root: scanned, never rewritten.
    public var outsideRoot: [LinkedFile]

    public init(filesScanned: Int, edits: [CodeEdit] = [], unrewritable: [CodeReference] = [],
                unmanaged: [CodeReference] = [], referencesOverridden: Bool = false, unplaced: [CodeReference] = [],
                acknowledged: [AcknowledgedReference] = [], skipped: [SkippedFile] = [], outsideRoot: [LinkedFile] = []) {
        self.filesScanned = filesScanned
        self.edits = edits
        self.unrewritable = unrewritable
        self.unmanaged = unmanaged
        self.referencesOverridden = referencesOverridden
        self.unplaced = unplaced
        self.acknowledged = acknowledged
        self.skipped = skipped
        self.outsideRoot = outsideRoot
    }
}

/// An unplaced reference and the acknowledgement that covers it.
public struct AcknowledgedReference: Hashable, Sendable, Codable {
    public var reference: CodeReference
    public var acknowledgement: CodeAcknowledgement

    public init(reference: CodeReference, acknowledgement: CodeAcknowledgement) {
        self.reference = reference
        self.acknowledgement = acknowledgement
    }
}
