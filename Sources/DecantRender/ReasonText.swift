import DecantCore

// The sentences behind decant's reasons: the engine says why as data (`ActionReason`,
// `HoldReason`, `RefusalReason`), every view writes it with these words.

extension ActionReason {
    /// Why the planner chose the action, for a reviewer.
    public var sentence: String {
        switch self {
        case let .bucketMissing(key, origin):
            return "bucket `\(key)`" + (origin.map { " (\($0))" } ?? "") + " does not exist"
        case .settingsDiffer(let changes):
            return changes.map(\.sentence).joined(separator: "; ")
        case .lifecycleDiffers(let policy):
            return "lifecycle differs" + (policy.map { " from policy `\($0)`" } ?? "")
        case let .copyAbsent(objects, bytes, target):
            return "\(objects) object(s), \(ByteFormat.string(bytes)), absent from \(target.url)"
        case let .copyOverwriting(objects, bytes, overwrites, policy):
            return "\(objects) object(s), \(ByteFormat.string(bytes)); \(overwrites) overwrite a different target (overwrite: \(policy.rawValue))"
        case let .verifyCopies(objects, level):
            return "compare \(level.rawValue) of the \(objects) copies with their source"
        case .adoptExisting(let objects):
            return "\(objects) object(s) already in the target with the same size and checksum: check and record them"
        case let .deleteVerified(objects, period):
            return "\(objects) source object(s) with a verified copy; validation period \(period?.description ?? "0d") passed; no code reference"
        case .codeAtOldLocation(let migrations):
            return "references to \(migrations.joined(separator: ", ")) point at the old location"
        case .revertEdit(let serial):
            return "undo the edit made at serial \(serial)"
        case .editAlreadyReverted(let serial):
            return "already back as before the edit made at serial \(serial): record it"
        case let .restoreSources(objects, bytes, from, alreadyBack):
            return "\(objects) source object(s), \(ByteFormat.string(bytes)), deleted by decant: copy them back from their verified copies in gs://\(from)"
                + (alreadyBack > 0 ? " (\(alreadyBack) already back: record only)" : "")
        case let .removeCopies(objects, bytes, bucket, gone):
            return "\(objects) cop(ies), \(ByteFormat.string(bytes)), decant made in gs://\(bucket): delete each at the generation decant wrote"
                + (gone > 0 ? " (\(gone) gone already: record only)" : "")
        case let .forgetAdopted(objects, bucket):
            return "\(objects) adopted object(s) in gs://\(bucket) were there before decant: drop their record, leave the objects"
        case let .restoreSettings(serials, changes):
            return "put back what serial(s) \(Self.list(serials)) changed: " + changes.map(\.sentence).joined(separator: "; ")
        case .settingsAlreadyBack(let serials):
            return "already back as before serial(s) \(Self.list(serials)): record it"
        case .deleteCreatedBucket(let serial):
            return "created by decant at serial \(serial): delete it once empty"
        case .createdBucketGone(let serial):
            return "created by decant at serial \(serial) and gone already: record it"
        }
    }

    private static func list(_ serials: [Int64]) -> String { serials.map(String.init).joined(separator: ", ") }
}

extension HoldReason {
    /// Why cleanup keeps these source objects for now.
    public var sentence: String {
        switch self {
        case let .codeReferences(source, references, bucket, unplaced):
            var parts: [String] = []
            if references > 0 { parts.append("code still references \(source) (\(Self.count(references)))") }
            if unplaced > 0 {
                parts.append("code names \(bucket) where decant cannot place the path (\(Self.count(unplaced)), "
                    + "listed under Code): resolve or acknowledge them in code.acknowledged")
            }
            return parts.joined(separator: "; ")
        case .retention(let retention): return "retention \(retention) (kept in the source until old enough)"
        case .retentionAgeUnknown(let retention): return "retention \(retention): creation time unknown"
        case .validationPeriod(let period): return "validation period \(period) after the verified copy"
        case .validationPeriodNotStarted(let period): return "validation period \(period) starts when the copy is verified"
        }
    }

    private static func count(_ n: Int) -> String { n == 1 ? "1 reference" : "\(n) references" }
}

extension RefusalReason {
    /// Why the rollback leaves these alone.
    public var sentence: String {
        switch self {
        case .copyChanged: return "the copy to restore from is gone or changed since decant verified it"
        case .originalTaken: return "the original name holds other content now; not overwritten"
        case .targetChanged: return "changed since decant copied it; left alone"
        case .sourceNotRestorable: return "its deleted source cannot be restored, so the copy is kept"
        case .codeChanged: return "changed since decant edited it; not reverted"
        case .codeMissing: return "missing; not reverted"
        case .codeBlocked: return "a newer edit of the same file cannot be reverted; not reverted"
        case .noCodeRoot: return "no code root (the plan files have no `code:` section); not reverted"
        case .unsafePath(let path): return "\(path) is not a path inside the code root; not touched"
        case .bucketChanged: return "changed since decant changed it; not restored"
        case .bucketGone: return "the bucket is gone; nothing to restore"
        case .bucketNotEmpty: return "not empty: a bucket is deleted only when empty"
        }
    }
}

extension SettingChange {
    /// `field: before → after`.
    var sentence: String { "\(field.rawValue): \(before ?? "unset") → \(after ?? "unset")" }
}
