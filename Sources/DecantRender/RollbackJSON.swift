import DecantCore
import Foundation

/// The `rollback` section of the JSON plan (format version 1, present only on
/// plans made by `decant rollback`): every undo step and every refusal.
struct RollbackJSON: Encodable {
    var target: Int64
    var runs: [Run]
    var restores: [Group]
    var removals: [Group]
    var forgotten: [Group]
    var reverts: [Revert]
    var bucketRestores: [BucketRestore]
    var bucketDeletions: [BucketDeletion]
    var leftAlone: [Refusal]
    var summary: String

    struct Run: Encodable { var serial: Int64; var kind: String; var status: String; var started: Date }
    struct Group: Encodable {
        var migration: String
        var bucket: String
        var objects: Int
        var bytes: Int64
        var recordOnly: Int
        var samples: [JSONPlan.Mapping]
    }
    struct Revert: Encodable { var path: String; var editSerial: Int64; var recordOnly: Bool; var patch: String }
    struct BucketRestore: Encodable {
        var name: String
        var serials: [Int64]
        var recordOnly: Bool
        var fields: [JSONPlan.Bucket.Field]
    }
    struct BucketDeletion: Encodable { var name: String; var createdSerial: Int64; var recordOnly: Bool }
    struct Refusal: Encodable { var kind: String; var reason: String; var reasonCode: String; var count: Int; var bytes: Int64; var samples: [String] }

    init(_ report: RollbackReport, hasChanges: Bool) {
        target = report.target
        runs = report.runs.map { Run(serial: $0.serial, kind: $0.kind, status: $0.status, started: $0.started) }
        func groups(_ groups: [RollbackReport.ObjectGroup]) -> [Group] {
            groups.map {
                Group(migration: $0.migration, bucket: $0.bucket, objects: $0.tally.objects, bytes: $0.tally.bytes,
                      recordOnly: $0.recordOnly.objects,
                      samples: $0.samples.map { JSONPlan.Mapping(source: $0.source, target: $0.target, size: $0.size) })
            }
        }
        restores = groups(report.restores)
        removals = groups(report.removals)
        forgotten = groups(report.forgotten)
        reverts = report.reverts.map { Revert(path: $0.path, editSerial: $0.editSerial, recordOnly: $0.recordOnly, patch: $0.patch) }
        bucketRestores = report.bucketRestores.map {
            BucketRestore(name: $0.name, serials: $0.serials, recordOnly: $0.recordOnly,
                          fields: $0.changes.map { JSONPlan.Bucket.Field(field: $0.field.rawValue, before: $0.before, after: $0.after) })
        }
        bucketDeletions = report.bucketDeletions.map { BucketDeletion(name: $0.name, createdSerial: $0.createdSerial, recordOnly: $0.recordOnly) }
        leftAlone = report.refusals.map {
            Refusal(kind: $0.kind.rawValue, reason: $0.reason.sentence, reasonCode: $0.reason.code, count: $0.tally.objects, bytes: $0.tally.bytes, samples: $0.samples)
        }
        summary = RollbackTextRenderer.summaryLine(report, hasChanges: hasChanges)
    }
}
