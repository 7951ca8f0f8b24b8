import DecantCore
import DecantState
import DecantStorage
import Foundation

/// A copy as the store reported it, and the ledger row it becomes. Every copy
/// engine makes these: the API's `CopyObjects`, the adoption in `VerifyCopies`.
struct MadeCopy: Sendable {
    var record: CopyRecord
    /// Size and checksums of the new target object, as the store answered.
    var targetContent: ContentIdentity

    /// `item`'s copy, found or written as `target`; `adopted` when it was there
    /// before decant (a rollback then leaves it in place).
    init(_ item: ObjectItem, target: ObjectRecord, migration: String?, adopted: Bool = false, at now: Date) {
        let key = CopyKey(sourceBucket: item.source.bucket, sourceName: item.source.name, sourceGeneration: item.source.generation ?? 0,
                          targetBucket: item.target?.bucket ?? "", targetName: target.name)
        record = CopyRecord(key: key, migration: migration ?? "", content: item.content, sourceCreated: item.sourceCreated,
                            targetGeneration: target.generation, copiedAt: now, adopted: adopted)
        targetContent = ContentIdentity(target)
    }

    /// Checks the copy against the source's planned content at `level` and marks it
    /// verified; returns the problem instead when it does not match.
    mutating func verify(against expected: ContentIdentity, level: VerifyLevel, clock: any Clock) -> String? {
        if let problem = CopyCheck.problem(expected: expected, actual: targetContent, level: level) { return problem }
        record.verification = Verification(level: level, at: clock.now())
        return nil
    }
}

/// How one object of a copy or verify step ended.
enum CopyResult: Sendable {
    /// Written by this run (copy), or written by this run and now verified (verify).
    case copied(MadeCopy)
    /// Found in the target already (copy: a precondition failed on a target with
    /// the same content; verify: an object planned for adoption): its record says
    /// whether decant wrote it.
    case adopted(MadeCopy)
    case failed(String)

    var copied: MadeCopy? { if case .copied(let c) = self { return c } else { return nil } }
    var adopted: MadeCopy? { if case .adopted(let c) = self { return c } else { return nil } }
    /// The copy either way.
    var made: MadeCopy? { copied ?? adopted }
    var error: String? { if case .failed(let e) = self { return e } else { return nil } }
}

/// Copies made by the copy actions of this run, for their verify actions. A verify
/// action takes the copies of its own targets and they are forgotten: a run holds
/// only the copies not verified yet, and a transfer job's verify actions (several
/// after one copy action) each look up their batch, not the whole job.
actor CopyResults {
    private var byAction: [ActionID: [String: MadeCopy]] = [:]

    func store(_ copies: [MadeCopy], for id: ActionID) {
        byAction[id] = Dictionary(copies.map { (Self.key($0.record.key.targetBucket, $0.record.key.targetName), $0) },
                                  uniquingKeysWith: { a, _ in a })
    }

    /// The copies `ids` made of `targets`, by `key(bucket, name)`.
    func take(_ targets: [ObjectRef], from ids: [ActionID]) -> [String: MadeCopy] {
        var out: [String: MadeCopy] = [:]
        for id in ids {
            guard var made = byAction[id] else { continue }
            for target in targets {
                let key = Self.key(target.bucket, target.name)
                if out[key] == nil, let copy = made.removeValue(forKey: key) { out[key] = copy }
            }
            byAction[id] = made.isEmpty ? nil : made
        }
        return out
    }

    static func key(_ bucket: String, _ name: String) -> String { bucket + "/" + name }
}

/// Comparing a copy with its source.
enum CopyCheck {
    static func problem(expected: ContentIdentity, actual: ContentIdentity?, level: VerifyLevel) -> String? {
        guard let actual else { return "the copy's size and checksum are unknown" }
        switch level {
        case .count: return nil
        case .size: return actual.size == expected.size ? nil : "size \(actual.size) differs from the source's \(expected.size)"
        case .checksum:
            if actual.size != expected.size { return "size \(actual.size) differs from the source's \(expected.size)" }
            return actual.matches(expected) ? nil : "checksum differs from the source's"
        }
    }
}

extension ObjectItem {
    /// The intent journaled before copying this item (invariant 5).
    var copyIntent: CopyIntent? {
        guard let target else { return nil }
        return CopyIntent(key: CopyKey(sourceBucket: source.bucket, sourceName: source.name, sourceGeneration: source.generation ?? 0,
                                       targetBucket: target.bucket, targetName: target.name),
                          expectedTargetGeneration: target.generation ?? 0)
    }

    /// Whether `existing` (with this source's content, at `target`) was written by a
    /// copy decant journaled and never recorded (invariant 5): then it is decant's
    /// copy, not an adopted object, and a rollback removes it.
    func writtenByDecant(_ existing: ObjectRecord, at target: ObjectRef, intents: [String: [CopyIntent]]) -> Bool {
        intents[StateStore.intentKey(target.bucket, target.name)]?.contains {
            $0.wrote(ObjectRef(bucket: target.bucket, name: existing.name, generation: existing.generation), from: source)
        } ?? false
    }
}
