import DecantCore
import Foundation

/// A rollback plan for people: what comes back, what goes, what is reverted,
/// and what is left alone with why, each with counts, bytes and samples, and a
/// closing summary line. `PlanTextRenderer` hands rollback plans to it.
public struct RollbackTextRenderer: Sendable {
    public var color: Bool
    /// Code-diff lines per file before eliding (0: all).
    public var maxDiffLines: Int

    public init(color: Bool = false, maxDiffLines: Int = 60) {
        self.color = color
        self.maxDiffLines = maxDiffLines
    }

    public func render(_ plan: PlannedChanges, _ report: RollbackReport) -> String {
        let st = Style(enabled: color)
        var out: [String] = []
        var header = PlanBlocks.header("decant rollback plan", plan, inputs: false, st)
        header += " → back to serial \(report.target)"
        if !report.runs.isEmpty {
            header += "\n  undoes what these runs recorded: "
                + report.runs.map { "\($0.serial) (\($0.kind), \($0.status), \(Format.date($0.started)))" }.joined(separator: ", ")
        }
        out.append(header)

        func row(_ symbol: Character, _ label: String, _ tally: Tally, _ note: String = "") -> String {
            "  \(st.symbol(symbol)) \(label.count >= 44 ? label : label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(Format.count(tally.objects).leftPad(9)) \(Format.bytes(tally.bytes).leftPad(10))"
                + (note.isEmpty ? "" : "   \(note)")
        }
        func recordOnly(_ tally: Tally, _ what: String) -> [String] {
            tally.isZero ? [] : ["      " + st.dim("\(Format.objects(tally)) \(what): only recorded")]
        }
        if !report.restores.isEmpty {
            out += ["", st.bold("Restore deleted sources") + " (copied back from their verified copies, only where the name is free)"]
            for g in report.restores {
                out.append(row("+", "\(g.migration) → gs://\(g.bucket)", g.tally))
                out += recordOnly(g.recordOnly, "already back")
                for s in g.samples { out.append("      \(s.target)  ← \(s.source)") }
            }
        }
        if !report.removals.isEmpty {
            out += ["", st.bold("Remove the copies decant made") + " (each only at the generation decant wrote)"]
            for g in report.removals {
                out.append(row("-", "\(g.migration) in gs://\(g.bucket)", g.tally))
                out += recordOnly(g.recordOnly, "gone already")
                for s in g.samples { out.append("      \(s.target)  (copy of \(s.source))") }
            }
        }
        if !report.forgotten.isEmpty {
            out += ["", st.bold("Forget adopted objects") + " (they were there before decant: left in place, their record dropped)"]
            for g in report.forgotten {
                out.append(row("=", "\(g.migration) in gs://\(g.bucket)", g.tally))
                for s in g.samples { out.append("      \(s.target)") }
            }
        }
        if !report.reverts.isEmpty {
            out += ["", st.bold("Revert code edits") + " (newest first)"]
            for r in report.reverts {
                out.append("  \(st.symbol("~")) \(r.path) (edited at serial \(r.editSerial))" + (r.recordOnly ? st.dim(": already reverted, only recorded") : ""))
                if !r.recordOnly { out += PlanBlocks.diff(r.patch, maxLines: maxDiffLines, whole: Self.wholePatch, st) }
            }
        }
        if !report.bucketRestores.isEmpty {
            out += ["", st.bold("Restore bucket settings")]
            for b in report.bucketRestores {
                let serials = b.serials.map(String.init).joined(separator: ", ")
                out.append("  \(st.symbol("~")) gs://\(b.name) (changed at serial \(serials))" + (b.recordOnly ? st.dim(": already restored, only recorded") : ""))
                for c in b.changes { out.append("      \(c.field.rawValue): \(c.before ?? "unset") → \(c.after ?? "unset")") }
            }
        }
        if !report.bucketDeletions.isEmpty {
            out += ["", st.bold("Delete the buckets decant created") + " (only once empty)"]
            for d in report.bucketDeletions {
                out.append("  \(st.symbol("-")) gs://\(d.name) (created at serial \(d.createdSerial))" + (d.recordOnly ? st.dim(": gone already, only recorded") : ""))
            }
        }
        if !report.refusals.isEmpty {
            out += ["", st.bold(st.red("Left alone")) + " (a person must look; running the rollback again will not change these)"]
            for r in report.refusals {
                let what = [.restoreObject, .deleteCopy].contains(r.kind) ? "\(Format.tally(r.tally))" : "\(r.tally.objects)"
                out.append("  \(st.symbol("!")) \(r.kind.rawValue): \(r.reason.sentence): \(what)")
                for s in r.samples { out.append("      \(s)") }
                if r.tally.objects > r.samples.count { out.append("      … \(r.tally.objects - r.samples.count) more (--format json lists every action)") }
            }
        }
        out += PlanBlocks.diagnostics(plan.diagnostics, st)
        out.append("")
        out.append(st.bold(Self.summaryLine(report, hasChanges: plan.hasChanges)))
        return out.joined(separator: "\n") + "\n"
    }

    /// Where a revert cut short here is shown whole (a rollback has no `--code-out`).
    static let wholePatch = "--plan-only --format markdown shows the whole patch"

    /// `Rollback: 5 objects to restore (120 B), …` or why there is nothing to do.
    public static func summaryLine(_ report: RollbackReport, hasChanges: Bool) -> String {
        if report.isEmpty { return "Nothing to roll back: everything recorded after serial \(report.target) is undone already." }
        func total(_ groups: [RollbackReport.ObjectGroup]) -> Tally { groups.reduce(Tally()) { $0 + $1.tally } }
        var parts: [String] = []
        let restore = total(report.restores), remove = total(report.removals), forget = total(report.forgotten)
        if !restore.isZero { parts.append("\(Format.objects(restore)) to restore (\(Format.bytes(restore.bytes)))") }
        if !remove.isZero { parts.append("\(Format.count(remove.objects)) cop\(remove.objects == 1 ? "y" : "ies") to remove (\(Format.bytes(remove.bytes)))") }
        if !forget.isZero { parts.append("\(Format.count(forget.objects)) adopted record\(forget.objects == 1 ? "" : "s") to forget") }
        let reverts = report.reverts.filter { !$0.recordOnly }.count
        if reverts > 0 { parts.append("\(reverts) file\(reverts == 1 ? "" : "s") to revert") }
        let restores = report.bucketRestores.filter { !$0.recordOnly }.count
        if restores > 0 { parts.append("\(restores) bucket\(restores == 1 ? "" : "s") to restore") }
        let deletions = report.bucketDeletions.filter { !$0.recordOnly }.count
        if deletions > 0 { parts.append("\(deletions) bucket\(deletions == 1 ? "" : "s") to delete") }
        let recorded = (report.restores + report.removals).reduce(0) { $0 + $1.recordOnly.objects }
            + report.reverts.filter(\.recordOnly).count + report.bucketRestores.filter(\.recordOnly).count
            + report.bucketDeletions.filter(\.recordOnly).count
        if recorded > 0 { parts.append("\(Format.count(recorded)) already undone to record") }
        var line = hasChanges ? "Rollback: " + (parts.isEmpty ? "nothing to change" : parts.joined(separator: ", ")) + "."
            : "Rollback: nothing can be undone automatically."
        let refused = report.refusedCount
        if refused > 0 { line += " \(Format.count(refused)) item\(refused == 1 ? "" : "s") left alone (see above)." }
        return line
    }
}
