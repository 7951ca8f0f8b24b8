import DecantCore
import Foundation

/// A Markdown plan (or rollback plan) as one pull-request comment that fits.
///
/// GitHub refuses a comment body over 65,536 characters; a plan of thousands of
/// changes is longer. The comment opens with a hidden marker naming the
/// environment (`<!-- decant plan: dev -->`), so a workflow finds and updates its
/// own comment instead of adding one per push. When the whole Markdown plan does
/// not fit `maxBytes` (UTF-8 bytes, which are never fewer than characters), the
/// comment keeps what a reviewer must not miss: the summary, every diagnostic,
/// every held deletion, every migration promotion refuses and the header of every
/// code edit, then as many of the
/// plan's sections as fit, in order, and says what was left out and where the
/// whole plan is. Only if those alone overflow are they cut, with the count of
/// what was left out.
public struct PlanComment: Sendable {
    /// 60,000 bytes: under GitHub's 65,536-character limit with room for a
    /// workflow's own heading around it.
    public static let defaultMaxBytes = 60_000
    /// Below this the essentials cannot be kept in any useful form.
    public static let minimumMaxBytes = 1_024

    /// The cap in UTF-8 bytes; 0: no cap.
    public var maxBytes: Int
    /// Where the whole plan can be read, as a sentence's end (`run \`decant show prod.plan\``).
    public var fullPlanAt: String
    /// The saved plan this comment describes, and the SHA-256 of its bytes.
    public var savedPlan: (path: String, sha256: String)?

    public init(maxBytes: Int = defaultMaxBytes, fullPlanAt: String, savedPlan: (path: String, sha256: String)? = nil) {
        self.maxBytes = maxBytes
        self.fullPlanAt = fullPlanAt
        self.savedPlan = savedPlan
    }

    /// `<!-- decant plan: dev -->`, or `<!-- decant rollback: dev -->` for a rollback plan.
    public static func marker(_ changes: PlannedChanges) -> String {
        "<!-- decant \(changes.rollback == nil ? "plan" : "rollback"): \(changes.environment) -->"
    }

    public func render(_ changes: PlannedChanges) -> String {
        func lines(pictures: Bool) -> [String] {
            var body = PlanMarkdownRenderer(pictures: pictures).render(changes)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if body.last == "" { body.removeLast() }
            return body
        }
        let footer = savedPlan.map { ["", "Saved plan `\($0.path)` · SHA-256 `\($0.sha256)`"] } ?? []
        let whole = [Self.marker(changes)] + lines(pictures: true) + footer
        if maxBytes <= 0 || Self.size(whole) <= maxBytes { return whole.joined(separator: "\n") + "\n" }
        // The pictures go first: they repeat tables the comment keeps.
        let plain = lines(pictures: false)
        let withoutPictures = [Self.marker(changes)] + plain + footer
        if Self.size(withoutPictures) <= maxBytes { return withoutPictures.joined(separator: "\n") + "\n" }
        return cut(changes, body: plain, footer: footer).joined(separator: "\n") + "\n"
    }

    /// The cut comment: marker, head, the note, the essentials, the sections that fit, the footer.
    func cut(_ changes: PlannedChanges, body: [String], footer: [String]) -> [String] {
        let (head, sections) = Self.sections(body)
        let essentials = Self.essentials(changes)
        let worstNote = note(leftOut: Int.max, of: Int.max, cutLines: Int.max)
        var budget = maxBytes - Self.size([Self.marker(changes)] + footer + worstNote)

        // The head's first lines (title, summary) always; the rest of it (meta,
        // diagnostics) and the essentials line by line while they fit.
        let fixed = Array(head.prefix(4))
        budget -= Self.size(fixed)
        var kept: [String] = fixed
        var cutLines = 0
        for block in [Array(head.dropFirst(4))] + essentials {
            let (taken, dropped) = Self.take(block, within: &budget)
            kept += taken
            if dropped > 0 {
                let more = "- … \(dropped) more line(s) of this section: see the full plan"
                if budget >= Self.size([more]) {
                    kept.append(more)
                    budget -= Self.size([more])
                }
                cutLines += dropped
            }
        }
        var included: [[String]] = []
        for section in sections where budget >= Self.size(section) {
            included.append(section)
            budget -= Self.size(section)
        }
        let leftOut = sections.count - included.count
        return [Self.marker(changes)] + kept + note(leftOut: leftOut, of: sections.count, cutLines: cutLines)
            + included.flatMap { $0 } + footer
    }

    /// Says the comment is cut, what is missing, and where the whole plan is.
    func note(leftOut: Int, of total: Int, cutLines: Int) -> [String] {
        var what = "\(leftOut) of \(total) section(s) left out"
        if cutLines > 0 { what += ", \(cutLines) line(s) of the summary sections cut" }
        return ["", "> [!NOTE]",
                "> This comment is cut to fit \(maxBytes) bytes (\(what)); every warning, held deletion and code edit is listed. "
                + "The full plan: \(fullPlanAt)."]
    }

    /// What a reviewer must see even in a cut comment, each block a heading then items.
    static func essentials(_ changes: PlannedChanges) -> [[String]] {
        let md = PlanMarkdownRenderer()
        var out: [[String]] = []
        let held = changes.migrations.flatMap { m in m.deleteHeld.map { (m.key, $0) } }
        if !held.isEmpty {
            out.append(["", "#### Held deletions (\(held.count))", "", "| Migration | Kept in the source | Why | Eligible from |", "|---|---|---|---|"]
                       + held.map { key, h in
                           "| `\(key)` | \(Format.tally(h.tally)) | \(md.escape(h.reason.sentence)) | \(h.eligibleFrom.map(Format.date) ?? "") |"
                       })
        }
        if let r = changes.promotion, !r.refused.isEmpty {
            let fate = r.ignored ? "applied over the gate (--ignore-promotion)" : "refused"
            out.append(["", "#### Promotion from \(r.from): \(r.refused.count) migration(s) \(fate)", ""]
                       + r.refused.map { "- `\($0.migration)`: \(md.escape($0.explanation(from: r.from, soak: r.soak, at: r.checkedAt)))" })
        }
        if let edits = changes.code?.edits, !edits.isEmpty {
            out.append(["", "#### Code edits (\(edits.count) file(s))", ""] + edits.map { edit in
                let (added, removed) = lineCounts(edit.patch)
                return "- `\(edit.path)` (\(edit.migrations.joined(separator: ", "))): +\(added) −\(removed)"
            })
        }
        return out
    }

    /// Lines added and removed by a unified diff (its `+++`/`---` headers aside).
    static func lineCounts(_ patch: String) -> (added: Int, removed: Int) {
        var added = 0, removed = 0
        for line in patch.split(separator: "\n") {
            if line.hasPrefix("+"), !line.hasPrefix("+++") { added += 1 }
            if line.hasPrefix("-"), !line.hasPrefix("---") { removed += 1 }
        }
        return (added, removed)
    }

    /// Splits a rendered Markdown plan into its head (title, summary, meta,
    /// diagnostics) and its sections: each `####` heading and each top-level
    /// `<details>` block starts one. Lines inside a code fence never start one.
    static func sections(_ lines: [String]) -> (head: [String], sections: [[String]]) {
        var head: [String] = []
        var sections: [[String]] = []
        var inFence = false
        for line in lines {
            let starts = !inFence && (line.hasPrefix("#### ") || line.hasPrefix("<details>"))
            if line.hasPrefix("```") { inFence.toggle() }
            if starts {
                // The blank line before a section belongs to it.
                var opening: [String] = []
                if sections.isEmpty, head.last == "" { head.removeLast(); opening = [""] }
                else if var last = sections.last, last.last == "" { last.removeLast(); sections[sections.count - 1] = last; opening = [""] }
                sections.append(opening + [line])
            } else if sections.isEmpty {
                head.append(line)
            } else {
                sections[sections.count - 1].append(line)
            }
        }
        return (head, sections)
    }

    /// The leading lines of `block` that fit `budget` (reserving room for the
    /// "more lines" line when some do not), and how many were dropped.
    static func take(_ block: [String], within budget: inout Int) -> (taken: [String], dropped: Int) {
        if size(block) <= budget {
            budget -= size(block)
            return (block, 0)
        }
        let reserve = 80
        var taken: [String] = []
        for line in block {
            let cost = size([line])
            if cost + reserve > budget { break }
            taken.append(line)
            budget -= cost
        }
        return (taken, block.count - taken.count)
    }

    /// UTF-8 bytes of `lines` joined by newlines, each line's newline counted.
    static func size(_ lines: [String]) -> Int {
        lines.reduce(0) { $0 + $1.utf8.count + 1 }
    }
}
