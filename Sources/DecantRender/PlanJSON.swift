import DecantCore
import Foundation

/// `decant plan --format json`: a versioned, documented schema kept apart from
/// the internal types so they can change without breaking machines that read it.
/// Format version 1; see docs/json.md.
public struct PlanJSONRenderer: Sendable {
    public static let formatVersion = "1"
    /// Include every object of every action (large); otherwise actions carry counts.
    public var includeObjects: Bool
    /// The SHA-256 of the saved plan's bytes, when a saved plan is rendered (`show`, `plan --out`).
    public var sha256: String?

    public init(includeObjects: Bool = false, sha256: String? = nil) {
        self.includeObjects = includeObjects
        self.sha256 = sha256
    }

    public func render(_ plan: PlannedChanges) -> String {
        var document = JSONPlan(plan, includeObjects: includeObjects)
        document.sha256 = sha256
        return (try? JSONDocument.encode(document)) ?? "{}\n"
    }
}

/// The JSON plan document, format version 1.
struct JSONPlan: Encodable {
    var formatVersion = PlanJSONRenderer.formatVersion
    var decantVersion: String
    var environment: String
    var generatedAt: Date
    var inputDigest: String
    /// The saved plan's SHA-256 (absent when no saved plan is rendered).
    var sha256: String?
    var state: State
    var selection: Selection
    var summary: Summary
    var hasChanges: Bool
    var errors: [JSONDiagnostic]
    var warnings: [JSONDiagnostic]
    var buckets: [Bucket]
    var migrations: [MigrationJSON]
    var code: Code?
    var leftovers: [Leftover]?
    var actions: [ActionJSON]
    /// Only on plans made by `decant rollback`.
    var rollback: RollbackJSON?
    /// What applying the plan costs and saves, and the prices used (absent on rollback plans).
    var cost: CostJSON?
    /// `promotion.<env>`: what the earlier environment applied (absent without one).
    var promotion: PromotionJSON?
    /// Said once about access (absent when no migration was checked).
    var accessNotes: [AccessNote]? = nil

    /// One `AccessWarning`: its stable code, the bucket it is about, the sentence.
    struct AccessNote: Encodable {
        var code: String
        var bucket: String?
        var message: String
        init(_ w: AccessWarning) { code = w.code; bucket = w.bucket; message = w.description }
    }

    struct State: Encodable { var lineage: String?; var serial: Int64 }
    struct Selection: Encodable { var targets: [String]; var phase: Int? }
    struct Count: Encodable {
        var objects: Int
        var bytes: Int64
        init(_ t: Tally) { objects = t.objects; bytes = t.bytes }
    }
    struct Summary: Encodable {
        var bucketsToCreate: Int
        var bucketsToUpdate: Int
        var copy: Count
        var adopt: Count
        var delete: Count
        var filesToEdit: Int
        var blockedMigrations: Int
        /// Bucket IAM policies the plan sets (`set_bucket_iam`).
        var policiesToSet: Int
    }
    struct Bucket: Encodable {
        var key: String
        var name: String
        var change: String
        var fields: [Field]
        /// Only on buckets whose plan declares `iam:`.
        var access: Access?
        struct Field: Encodable { var field: String; var before: String?; var after: String? }
        struct Access: Encodable {
            var status: String
            var etag: String?
            var changes: [IAMRoleChange]
            var conditionalLeftAlone: [IAMBinding]
            var sourceConditionalNotCarried: [IAMBinding]
            var sourceDeletedNotCarried: [IAMMember]

            init(_ a: BucketAccessPlan) {
                status = a.status.rawValue; etag = a.etag; changes = a.changes; conditionalLeftAlone = a.untouchedConditional
                sourceConditionalNotCarried = a.sourceConditional; sourceDeletedNotCarried = a.sourceDeleted
            }
        }
    }
    struct MigrationJSON: Encodable {
        var key: String
        var phase: Int
        var source: String
        var target: String
        var blocked: Bool
        var blockers: [String]
        var copy: Count
        var overwrite: Count
        var adopt: Count
        var inSync: Count
        var conflicts: Count
        var delete: Count
        var kept: [Kept]
        var excluded: [Kept]
        var onlyInTarget: Count
        var samples: [Mapping]
        var conflictSamples: [Mapping]
        /// Access warnings of the migration (absent when not checked).
        var accessWarnings: [AccessNote]? = nil
        var dataMovement: String
        var references: [Reference]
        var cost: CostJSON?
        /// The references keep the sources (cleanup deletes them otherwise).
        var referencesHold: Bool
        /// `api` or `transfer_service`, why (`engineReasonCode`); nil when nothing is copied.
        var engine: String?
        var engineReason: String?
        var engineReasonCode: String?
        struct Kept: Encodable { var reason: String; var reasonCode: String?; var objects: Int; var bytes: Int64; var eligibleFrom: Date? }
    }
    struct Mapping: Encodable { var source: String; var target: String; var size: Int64 }
    struct Reference: Encodable {
        var path: String
        var line: Int
        var column: Int
        var direction: String
        var form: String
        var migration: String?
        var excerpt: String
        var unrewritableReason: String?
        var bucket: String?
        var via: String?
        var through: String?
        var note: String?
        init(_ r: CodeReference) {
            path = r.path; line = r.line; column = r.column; direction = r.direction.rawValue; form = r.form.rawValue
            migration = r.migration; excerpt = r.excerpt; unrewritableReason = r.unrewritableReason
            bucket = r.bucket; via = r.via?.rawValue; through = r.through; note = r.note
        }
    }
    struct Code: Encodable {
        var filesScanned: Int
        var edits: [Edit]
        var unrewritable: [Reference]
        var unmanaged: [Reference]
        var referencesOverridden: Bool
        /// Each holds every deletion out of its bucket.
        var unplaced: [Reference]
        var acknowledged: [Acknowledged]
        var skipped: [Skipped]
        var outsideRoot: [Link]
        struct Acknowledged: Encodable { var reference: Reference; var contains: String; var reason: String }
        struct Skipped: Encodable { var path: String; var reason: String }
        struct Link: Encodable { var path: String; var target: String }
        struct Edit: Encodable { var path: String; var beforeSha256: String; var afterSha256: String; var migrations: [String]; var patch: String }
    }
    struct Leftover: Encodable { var bucket: String; var prefix: String; var objects: Int; var bytes: Int64 }
    struct ActionJSON: Encodable {
        var id: String
        var kind: String
        var symbol: String
        var migration: String?
        var bucket: String?
        var reason: String
        var reasonCode: String
        var dependsOn: [String]
        var objects: Int
        var bytes: Int64
        var items: [Item]?
        struct Item: Encodable {
            var source: String
            var sourceGeneration: Int64?
            var target: String?
            var targetGeneration: Int64?
            var size: Int64
            var crc32c: String?
            var md5: String?
            var adopt: Bool
        }
    }

    init(_ plan: PlannedChanges, includeObjects: Bool) {
        decantVersion = plan.decantVersion
        environment = plan.environment
        generatedAt = plan.generatedAt
        inputDigest = plan.inputDigest
        state = State(lineage: plan.stateLineage, serial: plan.stateSerial)
        selection = Selection(targets: plan.selection.targets, phase: plan.selection.phase)
        let s = plan.summary
        summary = Summary(bucketsToCreate: s.bucketsToCreate, bucketsToUpdate: s.bucketsToUpdate, copy: Count(s.copy),
                          adopt: Count(s.adopt), delete: Count(s.delete), filesToEdit: s.filesToEdit,
                          blockedMigrations: s.blockedMigrations, policiesToSet: s.policiesToSet)
        hasChanges = plan.hasChanges
        errors = plan.diagnostics.errors.map(JSONDiagnostic.init)
        warnings = plan.diagnostics.warnings.map(JSONDiagnostic.init)
        buckets = plan.buckets.map { b in
            Bucket(key: b.key, name: b.name, change: b.status.rawValue,
                   fields: b.changes.map { Bucket.Field(field: $0.field.rawValue, before: $0.before, after: $0.after) },
                   access: b.access.map(Bucket.Access.init))
        }
        migrations = plan.migrations.map { m in
            var json = MigrationJSON(
                key: m.key, phase: m.phase, source: m.source.url, target: m.target.url, blocked: !m.blockers.isEmpty,
                blockers: m.blockers, copy: Count(m.copy), overwrite: Count(m.overwrite), adopt: Count(m.adopt),
                inSync: Count(m.inSync), conflicts: Count(m.conflicts), delete: Count(m.delete),
                kept: m.deleteHeld.map { .init(reason: $0.reason.sentence, reasonCode: $0.reason.code, objects: $0.tally.objects, bytes: $0.tally.bytes, eligibleFrom: $0.eligibleFrom) },
                excluded: m.excluded.map { .init(reason: $0.reason, reasonCode: nil, objects: $0.tally.objects, bytes: $0.tally.bytes, eligibleFrom: nil) },
                onlyInTarget: Count(m.targetOnly),
                samples: m.samples.map { Mapping(source: $0.source, target: $0.target, size: $0.size) },
                conflictSamples: m.conflictSamples.map { Mapping(source: $0.source, target: $0.target, size: $0.size) },
                dataMovement: Format.movement(m.movement), references: m.references.map(Reference.init),
                cost: m.cost.map { CostJSON(cost: $0) }, referencesHold: m.referencesHold,
                engine: m.engine?.engine.rawValue, engineReason: m.engine?.sentence, engineReasonCode: m.engine?.why.code)
            json.accessWarnings = m.accessWarnings.map { $0.map(AccessNote.init) }
            return json
        }
        accessNotes = plan.accessNotes.map { $0.map(AccessNote.init) }
        code = plan.code.map { c in
            Code(filesScanned: c.filesScanned,
                 edits: c.edits.map { .init(path: $0.path, beforeSha256: $0.beforeHash, afterSha256: $0.afterHash, migrations: $0.migrations, patch: $0.patch) },
                 unrewritable: c.unrewritable.map(Reference.init), unmanaged: c.unmanaged.map(Reference.init),
                 referencesOverridden: c.referencesOverridden, unplaced: c.unplaced.map(Reference.init),
                 acknowledged: c.acknowledged.map { .init(reference: Reference($0.reference), contains: $0.acknowledgement.contains,
                                                          reason: $0.acknowledgement.reason) },
                 skipped: c.skipped.map { .init(path: $0.path, reason: $0.reason.text) },
                 outsideRoot: c.outsideRoot.map { .init(path: $0.path, target: $0.target) })
        }
        leftovers = plan.leftovers.flatMap { $0.note == nil ? $0.entries.map { Leftover(bucket: $0.bucket, prefix: $0.prefix, objects: $0.tally.objects, bytes: $0.tally.bytes) } : nil }
        rollback = plan.rollback.map { RollbackJSON($0, hasChanges: plan.hasChanges) }
        cost = plan.cost.map { CostJSON(cost: $0.total, prices: $0.prices, planNotes: $0.notes) }
        promotion = plan.promotion.map(PromotionJSON.init)
        actions = plan.graph.actions.map { a in
            // Counted without reading a spooled list; read only to list it (`--list-objects`).
            let tally = a.objectTally
            return ActionJSON(
                id: a.id.rawValue, kind: a.kind.rawValue, symbol: String(a.kind.symbol), migration: a.migration, bucket: a.bucket,
                reason: a.reason.sentence, reasonCode: a.reason.code, dependsOn: a.dependsOn.map(\.rawValue), objects: tally.objects,
                bytes: tally.bytes,
                items: includeObjects ? a.objects.map {
                    .init(source: "gs://\($0.source.bucket)/\($0.source.name)", sourceGeneration: $0.source.generation, target: $0.target.map { "gs://\($0.bucket)/\($0.name)" },
                          targetGeneration: $0.target?.generation, size: $0.content.size, crc32c: $0.content.crc32c,
                          md5: $0.content.md5, adopt: $0.adopt)
                } : nil)
        }
    }
}

struct JSONDiagnostic: Encodable {
    var message: String
    var location: String?
    var hint: String?
    init(_ d: Diagnostic) {
        message = d.message
        location = d.location?.description
        hint = d.hint
    }
}
