import DecantCore
import Foundation

/// `decant state list|show|history` for people: what decant manages, the state's
/// totals and lock, and what each serial did (to pick a rollback target).
public struct StateTextRenderer: Sendable {
    public init() {}

    /// One entry per run, oldest first: who ran it, how it ended, what it recorded.
    public func history(_ runs: [RunSummary]) -> String {
        guard !runs.isEmpty else { return "No runs yet.\n" }
        var out = "serial  kind      status       started                   by\n"
        for r in runs {
            let run = r.run
            out += "\(String(run.serial).padding(toLength: 8, withPad: " ", startingAt: 0))"
                + "\(run.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))"
                + "\(run.status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0))"
                + "\(RFC3339.format(run.started).padding(toLength: 26, withPad: " ", startingAt: 0))"
                + "\(run.owner.who)\n"
            var did: [String] = []
            let l = r.ledger
            if l.bucketsCreated > 0 { did.append("\(l.bucketsCreated) bucket(s) created") }
            if l.bucketsChanged > 0 { did.append("\(l.bucketsChanged) bucket change(s)") }
            if l.objectsCopied > 0 { did.append("\(l.objectsCopied) object(s) copied (\(ByteFormat.string(l.bytesCopied)))") }
            if l.objectsAdopted > 0 { did.append("\(l.objectsAdopted) adopted") }
            if l.objectsVerified > 0 { did.append("\(l.objectsVerified) verified") }
            if l.objectsDeleted > 0 { did.append("\(l.objectsDeleted) source(s) deleted") }
            if l.codeEdits > 0 { did.append("\(l.codeEdits) file(s) edited") }
            if l.sourcesRestored > 0 { did.append("\(l.sourcesRestored) source(s) restored") }
            if l.copiesRemoved > 0 { did.append("\(l.copiesRemoved) cop\(l.copiesRemoved == 1 ? "y" : "ies") removed") }
            if l.adoptedForgotten > 0 { did.append("\(l.adoptedForgotten) adopted record(s) forgotten (objects kept)") }
            if l.codeReverted > 0 { did.append("\(l.codeReverted) file(s) reverted") }
            if l.bucketsRestored > 0 { did.append("\(l.bucketsRestored) bucket setting(s) restored") }
            if l.bucketsDeleted > 0 { did.append("\(l.bucketsDeleted) bucket(s) deleted") }
            if l.accessSet > 0 { did.append("\(l.accessSet) bucket IAM polic\(l.accessSet == 1 ? "y" : "ies") set") }
            if l.accessRestored > 0 { did.append("\(l.accessRestored) bucket IAM polic\(l.accessRestored == 1 ? "y" : "ies") restored") }
            if r.journal.failed > 0 { did.append("\(r.journal.failed) action(s) failed") }
            if r.journal.intent > 0 { did.append("\(r.journal.intent) action(s) left unfinished") }
            if run.lostItsLock { did.append("its lock was removed while it ran (decant state unlock): recorded as failed") }
            if run.promotionIgnored > 0 { did.append("\(run.promotionIgnored) migration(s) applied over the promotion gate (--ignore-promotion)") }
            var line = did.isEmpty ? "nothing changed" : did.joined(separator: ", ")
            if let target = run.rollbackTo { line = "rolled back to serial \(target): " + line }
            out += "        " + line + "\n"
            if let pinned = run.pinnedNow {
                out += "        clock pinned by --now to \(RFC3339.format(pinned))"
                    + (run.deletesByPinnedNow ? ", ahead of the real clock: sources deleted by it (--allow-future-now)\n" : "\n")
            }
        }
        out += "\nUndo everything after a serial with `decant rollback --env ENV --to SERIAL`.\n"
        return out
    }

    /// One line per bucket, migration and file decant manages now.
    public func list(_ listing: StateListing) -> String {
        var out = ""
        for b in listing.createdBuckets { out += "bucket    \(b.name)  created at serial \(b.serial)\n" }
        for c in listing.bucketChanges { out += "bucket    \(c.change.name)  changed at serial \(c.serial)\n" }
        for m in listing.migrations {
            out += "migration \(m.migration)  \(m.copies) cop\(m.copies == 1 ? "y" : "ies") (\(m.verified) verified, \(m.adopted) adopted, \(ByteFormat.string(m.bytes)))"
            out += m.deletedSources > 0 ? ", \(m.deletedSources) source(s) deleted\n" : "\n"
        }
        for e in listing.codeEdits { out += "code      \(e.edit.path)  edited at serial \(e.serial)\n" }
        return out.isEmpty ? "Nothing is managed yet.\n" : out
    }

    /// Where the state is, its lineage, serial and totals, and who holds the lock.
    public func show(location: String, stats: StateStats, lock: LockInfo?) -> String {
        var out = """
        state        \(location)
        lineage      \(stats.lineage)
        serial       \(stats.serial) (schema \(stats.schemaVersion), \(stats.runs) run(s))
        copies       \(stats.currentCopies) current (\(ByteFormat.string(stats.currentBytes))), \(stats.verifiedCopies) verified, \(stats.adoptedCopies) adopted (\(ByteFormat.string(stats.adoptedBytes)))
        deletions    \(stats.deletedSources) source(s) deleted, \(stats.restoredSources) restored
        buckets      \(stats.liveCreatedBuckets) created by decant, \(stats.bucketChanges) change(s)
        code edits   \(stats.codeEdits)

        """
        if let lock {
            out += "lock         held by \(lock.who) (pid \(lock.pid)) for \(lock.operation) since \(RFC3339.format(lock.created)); id \(lock.id)\n"
        } else {
            out += "lock         free\n"
        }
        return out
    }
}
