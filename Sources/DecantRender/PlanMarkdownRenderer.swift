import DecantCore
import Foundation

/// `decant plan --format markdown`: a pull-request comment. Tables for the
/// overview, a collapsible section per migration and per code change.
public struct PlanMarkdownRenderer: Sendable {
    /// The Mermaid pictures (migrations by phase, cost now and after). They repeat
    /// what the tables say, so a plan cut to fit a comment drops them first:
    /// render again with `pictures: false` before cutting anything else.
    public var pictures: Bool

    public init(pictures: Bool = true) { self.pictures = pictures }

    public func render(_ plan: PlannedChanges) -> String {
        if let rollback = plan.rollback { return RollbackMarkdownRenderer().render(plan, rollback) }
        var out: [String] = []
        out += PlanBlocks.markdownHeader("decant plan", plan, summary: Format.summaryLine(plan))
        var meta = "Inputs `\(Format.shortDigest(plan.inputDigest))` · state serial \(plan.stateSerial)"
        if let lineage = plan.stateLineage { meta += " (lineage `\(Format.shortDigest(lineage))`)" }
        meta += " · planned at \(Format.time(plan.generatedAt))"
        if let phase = plan.selection.phase { meta += " · phase \(phase)" }
        if !plan.selection.targets.isEmpty { meta += " · targets " + plan.selection.targets.map { "`\($0)`" }.joined(separator: ", ") }
        out.append(meta)

        out += PlanBlocks.markdownDiagnostics(plan.diagnostics)

        if !plan.buckets.isEmpty {
            out.append("")
            out.append("#### Buckets")
            out.append("")
            out.append("| | Bucket | Change |")
            out.append("|---|---|---|")
            for b in plan.buckets {
                switch b.status {
                case .create:
                    var what = (b.settings.map(Format.settings) ?? []).joined(separator: ", ")
                    if let rules = b.settings?.lifecycle, !rules.isEmpty { what += (what.isEmpty ? "" : "; ") + "lifecycle: " + Format.rules(rules).joined(separator: "; ") }
                    out.append("| ➕ | `\(b.name)` | create\(what.isEmpty ? "" : ": " + escape(what)) |")
                case .update:
                    let what = b.changes.map { "\($0.field.rawValue): \($0.before ?? "unset") → \($0.after ?? "unset")" }.joined(separator: "<br>")
                    out.append("| 🔄 | `\(b.name)` | \(escape(what)) |")
                case .unchanged:
                    out.append("| | `\(b.name)` | no change |")
                }
                if let access = b.access {
                    out.append("| \(access.status == .change ? "🔐" : "") | `\(b.name)` | \(escape(access.lines.joined(separator: "<br>"))) |")
                }
            }
        }

        if !plan.migrations.isEmpty {
            out.append("")
            out.append("#### Migrations")
            out.append("")
            out.append("| | Migration | Phase | From → to | Copy | In sync | Delete | Code refs |")
            out.append("|---|---|---|---|---|---|---|---|")
            for m in plan.migrations {
                let mark = !m.blockers.isEmpty ? "⛔" : (m.hasWork ? "🔄" : "✅")
                out.append("| \(mark) | `\(m.key)` | \(m.phase) | `\(m.source.url)` → `\(m.target.url)` | \(Format.tally(m.copy + m.overwrite)) | \(Format.count((m.inSync + m.adopt).objects)) | \(Format.count(m.delete.objects)) | \(m.references.count) |")
            }
            if pictures { out += PlanPictures.migrationFlow(plan) }
            for m in plan.migrations { out += details(m) }
        }
        for note in plan.accessNotes ?? [] { out += ["", "**Access**: \(escape(note.description))"] }
        out += PromotionBlocks.markdown(plan)
        out += costSection(plan)

        if let code = plan.code {
            out.append("")
            out.append("#### Code (\(Format.count(code.filesScanned)) files scanned\(PlanTextRenderer.skippedSummary(code)))")
            if code.referencesOverridden { out.append("") ; out.append("**`--allow-references`: sources are deleted although code still names them.**") }
            if !code.outsideRoot.isEmpty || code.skipped.contains(where: { $0.reason.kind != "binary" }) {
                out.append("")
                for link in code.outsideRoot {
                    out.append("- `\(link.path)` is a link to `\(link.target)`, outside code.root: scanned, never rewritten")
                }
                for skipped in code.skipped where skipped.reason.kind != "binary" {
                    out.append("- skipped `\(skipped.path)`: \(escape(skipped.reason.text))")
                }
            }
            if !code.unplaced.isEmpty {
                out.append("")
                out.append("**References decant cannot place** (each holds every deletion out of its bucket until resolved or acknowledged in `code.acknowledged`):")
                out.append("")
                for r in code.unplaced {
                    out.append("- `\(r.location)` `\(escape(r.excerpt))`: \(escape(r.unrewritableReason ?? "no path"))")
                }
            }
            if !code.acknowledged.isEmpty {
                out.append("")
                out.append("Acknowledged (hold nothing):")
                out.append("")
                for a in code.acknowledged {
                    out.append("- `\(a.reference.location)` `\(escape(a.reference.excerpt))`: \(escape(a.acknowledgement.reason))")
                }
            }
            if code.edits.isEmpty { out.append(""); out.append("No code change.") }
            for edit in code.edits {
                out += PlanBlocks.markdownDiff("<code>\(html(edit.path))</code> (\(edit.migrations.joined(separator: ", ")))", edit.patch)
            }
            if !code.unrewritable.isEmpty {
                out.append("")
                out.append("**Needs a person** (not rewritten):")
                out.append("")
                for r in code.unrewritable { out.append("- `\(r.location)`: \(escape(r.unrewritableReason ?? "cannot be rewritten safely"))") }
            }
            if !code.unmanaged.isEmpty {
                out.append("")
                out.append("<details><summary>\(code.unmanaged.count) reference(s) to the source bucket outside every migration</summary>")
                out.append("")
                for r in code.unmanaged { out.append("- `\(r.location)` \(r.direction.rawValue): `\(escape(r.excerpt))`") }
                out.append("</details>")
            }
        }

        if let leftovers = plan.leftovers {
            out.append("")
            out.append("#### Left behind")
            out.append("")
            if let note = leftovers.note {
                out.append(note)
            } else if leftovers.entries.isEmpty {
                out.append("Nothing: every folder of the source buckets is covered by a migration.")
            } else {
                out.append("| Location | Objects | Bytes |")
                out.append("|---|---:|---:|")
                for e in leftovers.entries {
                    out.append("| `gs://\(e.bucket)/\(e.prefix)` | \(Format.count(e.tally.objects)) | \(Format.bytes(e.tally.bytes)) |")
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    func details(_ m: MigrationPlan) -> [String] {
        var out: [String] = [""]
        var summary = "<b>\(html(m.key))</b>: "
        if !m.blockers.isEmpty { summary += "blocked" }
        else if m.hasWork { summary += "\(Format.tally(m.copy + m.overwrite)) to copy" }
        else { summary += "in sync" }
        out.append("<details><summary>\(summary)</summary>")
        out.append("")
        if let d = m.description { out.append("_\(escape(d))_"); out.append("") }
        for b in m.blockers { out.append("- ⛔ \(escape(b))") }
        out.append("- `\(m.source.url)` → `\(m.target.url)`; \(escape(Format.movement(m.movement)))")
        if !m.copy.isZero { out.append("- copy: \(Format.tally(m.copy))") }
        if let engine = m.engine { out.append("- engine: \(escape(engine.sentence))") }
        if !m.overwrite.isZero { out.append("- overwrite (target differs): \(Format.tally(m.overwrite))") }
        if !m.adopt.isZero { out.append("- already copied, to check and record: \(Format.tally(m.adopt))") }
        if !m.inSync.isZero { out.append("- in sync: \(Format.tally(m.inSync))") }
        if !m.conflicts.isZero { out.append("- ⚠️ conflicts (target differs, overwrite: never): \(Format.tally(m.conflicts))") }
        if !m.delete.isZero { out.append("- 🗑 delete from the source: \(Format.tally(m.delete))") }
        for h in m.deleteHeld {
            out.append("- kept in the source: \(Format.tally(h.tally)), \(escape(h.reason.sentence))" + (h.eligibleFrom.map { ", from \(Format.date($0))" } ?? ""))
        }
        for e in m.excluded { out.append("- left out: \(Format.tally(e.tally)), \(e.reason)") }
        if !m.targetOnly.isZero { out.append("- only in the target: \(Format.tally(m.targetOnly))") }
        for w in m.accessWarnings ?? [] { out.append("- 🔐 access: \(escape(w.description))") }
        out += costDetails(m)
        if !m.samples.isEmpty {
            out.append("")
            out.append("| Source | Target | Size |")
            out.append("|---|---|---:|")
            for s in m.samples { out.append("| `\(s.source)` | `\(s.target)` | \(Format.bytes(s.size)) |") }
        }
        if !m.conflictSamples.isEmpty {
            out.append("")
            out.append("Conflicting targets:")
            for s in m.conflictSamples { out.append("- `\(s.target)` (from `\(s.source)`)") }
        }
        if !m.references.isEmpty {
            out.append("")
            out.append("| Code reference | Direction | Form |")
            out.append("|---|---|---|")
            for r in m.references { out.append("| `\(r.location)` | \(r.direction.rawValue) | \(r.form.rawValue) |") }
        }
        out.append("</details>")
        return out
    }

    func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
    func html(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
