import DecantCore
import DecantRender
import Foundation
import Testing

/// The reasons are data; these are the sentences every view writes for them and
/// the codes JSON carries beside them. The sentences are the ones the engine wrote
/// as text before reasons became data: plans read the same.
@Suite struct ReasonTextTests {
    static let archive = BucketPath(bucket: "archive-bucket-dev", prefix: "archives/")
    static let labels = SettingChange(field: .labels, before: "{}", after: "{use_case: seed-data}")
    static let versioning = SettingChange(field: .versioning, before: nil, after: "true")

    static let actions: [(ActionReason, String, String)] = [
        (.bucketMissing(key: "archive", origin: SourceLocation(file: "plans/buckets.yaml", line: 3, column: 3)),
         "bucket `archive` (plans/buckets.yaml:3:3) does not exist", "bucket_missing"),
        (.bucketMissing(key: "archive", origin: nil), "bucket `archive` does not exist", "bucket_missing"),
        (.settingsDiffer([labels, versioning]), "labels: {} → {use_case: seed-data}; versioning: unset → true", "settings_differ"),
        (.lifecycleDiffers(policy: "immediate_coldline"), "lifecycle differs from policy `immediate_coldline`", "lifecycle_differs"),
        (.lifecycleDiffers(policy: nil), "lifecycle differs", "lifecycle_differs"),
        (.copyAbsent(objects: 3, bytes: 3 * 1024 * 1024, target: archive),
         "3 object(s), 3.0 MiB, absent from gs://archive-bucket-dev/archives/", "copy_absent"),
        (.copyOverwriting(objects: 3, bytes: 2048, overwrites: 1, policy: .different),
         "3 object(s), 2.0 KiB; 1 overwrite a different target (overwrite: different)", "copy_overwriting"),
        (.verifyCopies(objects: 3, level: .checksum), "compare checksum of the 3 copies with their source", "verify_copies"),
        (.adoptExisting(objects: 2),
         "2 object(s) already in the target with the same size and checksum: check and record them", "adopt_existing"),
        (.deleteVerified(objects: 4, validationPeriod: .days(14)),
         "4 source object(s) with a verified copy; validation period 14d passed; no code reference", "delete_verified"),
        (.deleteVerified(objects: 4, validationPeriod: nil),
         "4 source object(s) with a verified copy; validation period 0d passed; no code reference", "delete_verified"),
        (.codeAtOldLocation(migrations: ["historization", "dms_export"]),
         "references to historization, dms_export point at the old location", "code_at_old_location"),
        (.revertEdit(serial: 2), "undo the edit made at serial 2", "revert_edit"),
        (.editAlreadyReverted(serial: 2), "already back as before the edit made at serial 2: record it", "edit_already_reverted"),
        (.restoreSources(objects: 4, bytes: 400, from: "archive-bucket-dev", alreadyBack: 0),
         "4 source object(s), 400 B, deleted by decant: copy them back from their verified copies in gs://archive-bucket-dev",
         "restore_sources"),
        (.restoreSources(objects: 4, bytes: 400, from: "archive-bucket-dev", alreadyBack: 1),
         "4 source object(s), 400 B, deleted by decant: copy them back from their verified copies in gs://archive-bucket-dev "
             + "(1 already back: record only)", "restore_sources"),
        (.removeCopies(objects: 4, bytes: 400, bucket: "archive-bucket-dev", gone: 2),
         "4 cop(ies), 400 B, decant made in gs://archive-bucket-dev: delete each at the generation decant wrote (2 gone already: record only)",
         "remove_copies"),
        (.forgetAdopted(objects: 1, bucket: "archive-bucket-dev"),
         "1 adopted object(s) in gs://archive-bucket-dev were there before decant: drop their record, leave the objects", "forget_adopted"),
        (.restoreSettings(serials: [1, 3], changes: [labels]),
         "put back what serial(s) 1, 3 changed: labels: {} → {use_case: seed-data}", "restore_settings"),
        (.settingsAlreadyBack(serials: [1]), "already back as before serial(s) 1: record it", "settings_already_back"),
        (.deleteCreatedBucket(serial: 1), "created by decant at serial 1: delete it once empty", "delete_created_bucket"),
        (.createdBucketGone(serial: 1), "created by decant at serial 1 and gone already: record it", "created_bucket_gone"),
    ]

    @Test func actionReasons() {
        for (reason, sentence, code) in Self.actions {
            #expect(reason.sentence == sentence)
            #expect(reason.code == code)
        }
    }

    @Test func heldDeletionsSayWhyAndSortAsThePlanListsThem() {
        let code = HoldReason.codeReferences(source: "gs://data-bucket-dev/historization/", references: 1, bucket: "data-bucket-dev", unplaced: 0)
        let unplaced = HoldReason.codeReferences(source: "gs://data-bucket-dev/historization/", references: 0, bucket: "data-bucket-dev", unplaced: 2)
        let both = HoldReason.codeReferences(source: "gs://data-bucket-dev/historization/", references: 2, bucket: "data-bucket-dev", unplaced: 1)
        let cases: [(HoldReason, String, String)] = [
            (code, "code still references gs://data-bucket-dev/historization/ (1 reference)", "code_reference"),
            (unplaced, "code names data-bucket-dev where decant cannot place the path (2 references, listed under Code): "
                + "resolve or acknowledge them in code.acknowledged", "unplaced_reference"),
            (both, "code still references gs://data-bucket-dev/historization/ (2 references); code names data-bucket-dev where decant "
                + "cannot place the path (1 reference, listed under Code): resolve or acknowledge them in code.acknowledged", "code_reference"),
            (.retention(.days(90)), "retention 90d (kept in the source until old enough)", "retention"),
            (.retentionAgeUnknown(.days(90)), "retention 90d: creation time unknown", "retention_age_unknown"),
            (.validationPeriod(.days(14)), "validation period 14d after the verified copy", "validation_period"),
            (.validationPeriodNotStarted(.days(14)), "validation period 14d starts when the copy is verified", "validation_period_not_started"),
        ]
        for (reason, sentence, code) in cases {
            #expect(reason.sentence == sentence)
            #expect(reason.code == code)
        }
        // The order plans list them in: the order their sentences sorted in when they were the keys.
        let held = cases.map(\.0).filter { $0 != unplaced && $0 != both }
        #expect(held.sorted() == held)
        #expect(held.sorted().map(\.sentence) == held.map(\.sentence).sorted())
    }

    @Test func refusalReasons() {
        let cases: [(RefusalReason, String, String)] = [
            (.copyChanged, "the copy to restore from is gone or changed since decant verified it", "copy_changed"),
            (.originalTaken, "the original name holds other content now; not overwritten", "original_taken"),
            (.targetChanged, "changed since decant copied it; left alone", "target_changed"),
            (.sourceNotRestorable, "its deleted source cannot be restored, so the copy is kept", "source_not_restorable"),
            (.codeChanged, "changed since decant edited it; not reverted", "code_changed"),
            (.codeMissing, "missing; not reverted", "code_missing"),
            (.codeBlocked, "a newer edit of the same file cannot be reverted; not reverted", "code_blocked"),
            (.noCodeRoot, "no code root (the plan files have no `code:` section); not reverted", "no_code_root"),
            (.unsafePath("../etc/passwd"), "../etc/passwd is not a path inside the code root; not touched", "unsafe_path"),
            (.bucketChanged, "changed since decant changed it; not restored", "bucket_changed"),
            (.bucketGone, "the bucket is gone; nothing to restore", "bucket_gone"),
            (.bucketNotEmpty, "not empty: a bucket is deleted only when empty", "bucket_not_empty"),
        ]
        for (reason, sentence, code) in cases {
            #expect(reason.sentence == sentence)
            #expect(reason.code == code)
        }
    }

    @Test func rollbackJSONCarriesTheCodeBesideTheSentence() throws {
        var report = RollbackReport(target: 0)
        report.refusals = [RollbackReport.Refusal(kind: .deleteCopy, reason: .targetChanged, tally: Tally(objects: 1, bytes: 10),
                                                  samples: ["gs://archive-bucket-dev/archives/a is generation 9, decant wrote 7"])]
        let plan = PlannedChanges(environment: "dev", generatedAt: Date(timeIntervalSince1970: 0), inputDigest: "d", stateLineage: nil, stateSerial: 1,
                                  rollback: report)
        let json = try #require(JSONSerialization.jsonObject(with: Data(PlanJSONRenderer().render(plan).utf8)) as? [String: Any])
        let refusal = try #require(((json["rollback"] as? [String: Any])?["left_alone"] as? [[String: Any]])?.first)
        #expect(refusal["reason"] as? String == "changed since decant copied it; left alone")
        #expect(refusal["reason_code"] as? String == "target_changed")
    }
}
