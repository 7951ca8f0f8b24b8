import DecantCore
import Foundation

/// `decant plan` for people at a terminal or in a CI log, in the style of
/// `terraform plan`: `+` create, `~` change, `-` delete, `!` needs attention.
/// Per-object work is summarised (counts, bytes, five samples).
public struct PlanTextRenderer: Sendable {
    public var color: Bool
    /// How many code-diff lines to print per file before eliding (0: all).
    public var maxDiffLines: Int

    public init(color: Bool = false, maxDiffLines: Int = 60) {
        self.color = color
        self.maxDiffLines = maxDiffLines
    }

    public func render(_ plan: PlannedChanges) -> String {
        if let rollback = plan.rollback { return RollbackTextRenderer(color: color, maxDiffLines: maxDiffLines).render(plan, rollback) }
        let st = Style(enabled: color)
        var out: [String] = []
        var header = PlanBlocks.header("decant plan", plan, inputs: true, st)
        if !plan.selection.isEverything {
            var parts: [String] = []
            if !plan.selection.targets.isEmpty { parts.append("--target " + plan.selection.targets.joined(separator: ", ")) }
            if let phase = plan.selection.phase { parts.append("--phase \(phase)") }
            header += "\n  selection: " + parts.joined(separator: " ")
        }
        out.append(header)

        if !plan.buckets.isEmpty {
            out.append("")
            out.append(st.bold("Buckets"))
            for bucket in plan.buckets { out += renderBucket(bucket, st) }
        }
        if !plan.migrations.isEmpty {
            out.append("")
            out.append(st.bold("Migrations"))
            for migration in plan.migrations { out += renderMigration(migration, st) }
        }
        out += PromotionBlocks.text(plan, st)
        if let cost = plan.cost { out += renderPlanCost(cost, st) }
        if let code = plan.code { out += renderCode(code, st) }
        if let leftovers = plan.leftovers { out += renderLeftovers(leftovers, st) }
        for note in plan.accessNotes ?? [] { out += ["", st.bold("Access") + ": " + note.description] }
        out += PlanBlocks.diagnostics(plan.diagnostics, st)
        out.append("")
        out.append(st.bold(Format.summaryLine(plan)))
        return out.joined(separator: "\n") + "\n"
    }

    func renderBucket(_ b: BucketPlan, _ st: Style) -> [String] {
        var out: [String] = []
        let title = "\(b.name) (\(b.key))"
        switch b.status {
        case .create:
            out.append("  \(st.symbol("+")) \(title): create")
            for setting in b.settings.map(Format.settingValues) ?? [] { out.append("      \(setting.field.rawValue): \(setting.value)") }
        case .update:
            out.append("  \(st.symbol("~")) \(title): update in place")
            for change in b.changes {
                out.append("      \(change.field.rawValue): \(change.before ?? "unset") → \(change.after ?? "unset")")
            }
        case .unchanged:
            out.append("    \(title): no change")
        }
        if !b.notCompared.isEmpty {
            out.append("      " + st.dim("not compared (the store does not report them): " + b.notCompared.map(\.rawValue).joined(separator: ", ")))
        }
        if let access = b.access {
            if access.status == .change { out.append("      access (etag \(access.etag ?? "of the new bucket")):") }
            for line in access.lines { out.append((access.status == .change && ["+", "-"].contains(line.first) ? "        " : "      ") + line) }
        }
        return out
    }

    func renderMigration(_ m: MigrationPlan, _ st: Style) -> [String] {
        var out: [String] = []
        let blocked = !m.blockers.isEmpty
        let mark = blocked ? st.symbol("!") : (m.hasWork ? st.symbol("~") : " ")
        out.append("  \(mark) \(st.bold(m.key)) (phase \(m.phase))" + (blocked ? st.red(" BLOCKED") : ""))
        out.append("      \(m.source.url) → \(m.target.url)")
        if let description = m.description { out.append("      " + st.dim(description)) }
        for blocker in m.blockers { out.append("      \(st.symbol("!")) " + st.red(blocker)) }
        func row(_ symbol: Character, _ label: String, _ tally: Tally, _ note: String = "") -> String {
            let counts = "\(Format.count(tally.objects).leftPad(9)) \(Format.bytes(tally.bytes).leftPad(10))"
            return "      \(st.symbol(symbol)) \(label.padding(toLength: 10, withPad: " ", startingAt: 0))\(counts)" + (note.isEmpty ? "" : "   \(note)")
        }
        if !m.copy.isZero { out.append(row("+", "copy", m.copy, Format.movement(m.movement))) }
        if let engine = m.engine { out.append("      engine    " + engine.sentence) }
        if !m.overwrite.isZero { out.append(row("~", "overwrite", m.overwrite, "target differs; replaced with the target's generation as precondition")) }
        if !m.adopt.isZero { out.append(row("=", "adopt", m.adopt, "already copied: checked and recorded")) }
        if !m.inSync.isZero { out.append(row(" ", "in sync", m.inSync)) }
        if !m.conflicts.isZero { out.append(row("!", "conflict", m.conflicts, "target differs and overwrite is never")) }
        if !m.delete.isZero { out.append(row("-", "delete", m.delete, "source copies, after their verified copy")) }
        for held in m.deleteHeld {
            var note = "kept: \(held.reason.sentence)"
            if let from = held.eligibleFrom { note += ", from \(Format.date(from))" }
            out.append(row(" ", "kept", held.tally, note))
        }
        for ex in m.excluded { out.append(row(" ", "left out", ex.tally, ex.reason)) }
        if !m.targetOnly.isZero { out.append(row(" ", "only in target", m.targetOnly)) }
        if m.copy.isZero, m.overwrite.isZero, m.adopt.isZero, m.inSync.isZero, m.conflicts.isZero, m.blockers.isEmpty {
            out.append("      no objects selected under \(m.source.url)")
        }
        if let cost = m.cost { out += renderCost(cost, st) }
        if !m.samples.isEmpty {
            out.append("      samples:")
            for s in m.samples { out.append("        \(s.source) → \(s.target)") }
        }
        if !m.conflictSamples.isEmpty {
            out.append("      conflicts:")
            for s in m.conflictSamples { out.append("        \(st.symbol("!")) \(s.target) differs from \(s.source)") }
        }
        for w in m.warnings { out.append("      warning: \(w)") }
        for w in m.accessWarnings ?? [] { out.append("      \(st.symbol("!")) access: \(w.description)") }
        if !m.references.isEmpty {
            let count = { (d: CodeReference.Direction) in m.references.filter { $0.direction == d }.count }
            out.append("      code references: \(m.references.count) (\(count(.write)) write, \(count(.read)) read, "
                + "\(count(.both)) both, \(count(.unknown)) unknown)" + (m.referencesHold ? ", each holding the deletion" : ""))
            // Every reference that holds a deletion is listed; the others up to ten.
            let shown = m.referencesHold ? m.references : Array(m.references.prefix(10))
            for r in shown {
                out.append("        \(r.location)  \(r.direction.rawValue)  \(r.form.rawValue)  \(r.excerpt.truncated(80))")
            }
            if shown.count < m.references.count { out.append("        … \(m.references.count - shown.count) more (--format json lists all)") }
        }
        return out
    }

    func renderCode(_ code: CodePlan, _ st: Style) -> [String] {
        var out: [String] = [""]
        out.append(st.bold("Code") + " (\(Format.count(code.filesScanned)) files scanned\(Self.skippedSummary(code)))")
        if code.referencesOverridden { out.append("  " + st.red("--allow-references: sources are deleted although code still names them")) }
        for link in code.outsideRoot {
            out.append("  \(link.path) is a link to \(link.target), outside code.root: scanned, never rewritten")
        }
        for skipped in code.skipped where skipped.reason.kind != "binary" {
            out.append("  skipped \(skipped)")
        }
        if !code.unplaced.isEmpty {
            out.append("  \(st.symbol("!")) references decant cannot place (each holds every deletion out of its bucket "
                + "until resolved or acknowledged in code.acknowledged):")
            for r in code.unplaced {
                out.append("      \(r.location)  \(r.bucket ?? r.bucketText)  \(r.excerpt.truncated(80))  (\(r.unrewritableReason ?? "no path"))")
            }
        }
        for a in code.acknowledged {
            out.append("  acknowledged \(a.reference.location)  \(a.reference.excerpt.truncated(60))  (\(a.acknowledgement.reason))")
        }
        for edit in code.edits {
            out.append("  \(st.symbol("~")) \(edit.path)")
            out += PlanBlocks.diff(edit.patch, maxLines: maxDiffLines, whole: "--code-out writes the whole patch", st)
        }
        if !code.unrewritable.isEmpty {
            out.append("  \(st.symbol("!")) needs a person (not rewritten):")
            for r in code.unrewritable {
                out.append("      \(r.location)  \(r.unrewritableReason ?? "cannot be rewritten safely")")
            }
        }
        if !code.unmanaged.isEmpty {
            out.append("  references to the source bucket outside every migration: \(code.unmanaged.count)")
            for r in code.unmanaged.prefix(10) { out.append("      \(r.location)  \(r.bucketText)/\(r.objectPath)") }
            if code.unmanaged.count > 10 { out.append("      … \(code.unmanaged.count - 10) more") }
        }
        if code.edits.isEmpty, code.unrewritable.isEmpty, code.unmanaged.isEmpty, code.unplaced.isEmpty { out.append("  no code change") }
        return out
    }

    /// `; 3 skipped: 2 binary, 1 broken link`, or nothing.
    static func skippedSummary(_ code: CodePlan) -> String {
        guard !code.skipped.isEmpty else { return "" }
        var counts: [String: Int] = [:]
        for s in code.skipped { counts[s.reason.kind, default: 0] += 1 }
        return "; \(code.skipped.count) skipped: " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    func renderLeftovers(_ report: LeftoverReport, _ st: Style) -> [String] {
        var out: [String] = [""]
        if let note = report.note {
            out.append(st.bold("Left behind") + ": " + note)
            return out
        }
        guard !report.entries.isEmpty else {
            out.append(st.bold("Left behind") + ": nothing; every folder of the source buckets is covered by a migration")
            return out
        }
        out.append(st.bold("Left behind") + " (no migration covers these; they stay where they are)")
        for entry in report.entries {
            out.append("    gs://\(entry.bucket)/\(entry.prefix)".padding(toLength: 60, withPad: " ", startingAt: 0)
                       + " \(Format.count(entry.tally.objects).leftPad(9)) \(Format.bytes(entry.tally.bytes).leftPad(10))")
        }
        return out
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func truncated(_ width: Int) -> String {
        count <= width ? self : String(prefix(width - 1)) + "…"
    }
}
