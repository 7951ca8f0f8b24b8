import DecantCore
import Foundation

/// A rollback plan as a pull-request or incident comment: the summary, a table
/// of undo steps, what is left alone, samples and diffs in collapsible sections.
/// `PlanMarkdownRenderer` hands rollback plans to it.
public struct RollbackMarkdownRenderer: Sendable {
    public init() {}

    public func render(_ plan: PlannedChanges, _ report: RollbackReport) -> String {
        let md = PlanMarkdownRenderer()
        var out: [String] = []
        out += PlanBlocks.markdownHeader("decant rollback plan", plan, summary: RollbackTextRenderer.summaryLine(report, hasChanges: plan.hasChanges))
        var meta = "State serial \(plan.stateSerial)"
        if let lineage = plan.stateLineage { meta += " (lineage `\(Format.shortDigest(lineage))`)" }
        meta += " → back to serial \(report.target) · planned at \(Format.time(plan.generatedAt))"
        if !report.runs.isEmpty { meta += " · undoes runs " + report.runs.map { "\($0.serial) (\($0.kind))" }.joined(separator: ", ") }
        out.append(meta)
        out += PlanBlocks.markdownDiagnostics(plan.diagnostics)

        if !report.refusals.isEmpty {
            out.append("")
            out.append("> [!WARNING]")
            out.append("> **Left alone** (a person must look; running the rollback again will not change these):")
            for r in report.refusals {
                out.append("> - `\(r.kind.rawValue)`: \(md.escape(r.reason.sentence)): \(r.tally.objects)")
                for s in r.samples { out.append(">   - `\(md.escape(s))`") }
            }
        }

        let rows = tableRows(report)
        if !rows.isEmpty {
            out += ["", "| | Step | Where | Objects | Bytes | Only recorded |", "|---|---|---|---:|---:|---:|"] + rows
        }
        for (title, groups, arrow) in [("Restored sources", report.restores, "←"), ("Removed copies", report.removals, "copy of"),
                                       ("Forgotten adopted objects", report.forgotten, "from")] where !groups.isEmpty {
            out.append("")
            out.append("<details><summary>\(title): samples</summary>")
            out.append("")
            for g in groups {
                for s in g.samples { out.append("- `\(s.target)` \(arrow) `\(s.source)` (\(Format.bytes(s.size)))") }
            }
            out.append("</details>")
        }
        for r in report.reverts where !r.recordOnly {
            out += PlanBlocks.markdownDiff("revert <code>\(md.html(r.path))</code> (edited at serial \(r.editSerial))", r.patch)
        }
        return out.joined(separator: "\n") + "\n"
    }

    func tableRows(_ report: RollbackReport) -> [String] {
        var rows: [String] = []
        for g in report.restores {
            rows.append("| ➕ | restore `\(g.migration)` | `gs://\(g.bucket)` | \(Format.count(g.tally.objects)) | \(Format.bytes(g.tally.bytes)) | \(Format.count(g.recordOnly.objects)) |")
        }
        for g in report.removals {
            rows.append("| 🗑 | remove copies of `\(g.migration)` | `gs://\(g.bucket)` | \(Format.count(g.tally.objects)) | \(Format.bytes(g.tally.bytes)) | \(Format.count(g.recordOnly.objects)) |")
        }
        for g in report.forgotten {
            rows.append("| | forget adopted `\(g.migration)` (left in place) | `gs://\(g.bucket)` | \(Format.count(g.tally.objects)) | \(Format.bytes(g.tally.bytes)) | |")
        }
        for r in report.reverts {
            rows.append("| 🔄 | revert code (serial \(r.editSerial)) | `\(r.path)` | | | \(r.recordOnly ? "yes" : "") |")
        }
        for b in report.bucketRestores {
            let what = b.changes.map { "\($0.field.rawValue): \($0.before ?? "unset") → \($0.after ?? "unset")" }.joined(separator: "<br>")
            rows.append("| 🔄 | restore settings\(what.isEmpty ? "" : ": " + PlanMarkdownRenderer().escape(what)) | `gs://\(b.name)` | | | \(b.recordOnly ? "yes" : "") |")
        }
        for d in report.bucketDeletions {
            rows.append("| 🗑 | delete bucket (created at serial \(d.createdSerial)) | `gs://\(d.name)` | | | \(d.recordOnly ? "yes" : "") |")
        }
        return rows
    }
}
