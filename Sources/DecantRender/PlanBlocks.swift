import DecantCore
import Foundation

/// What a plan and a rollback plan print alike, in text and in Markdown: the
/// header, the diagnostics and the code diffs. Each renderer passes only what
/// differs (its title, where the whole patch can be had).
enum PlanBlocks {
    // MARK: Text

    /// `decant plan for dev at …` and the state it was made from.
    static func header(_ title: String, _ plan: PlannedChanges, inputs: Bool, _ st: Style) -> String {
        var header = "\(title) for \(st.bold(plan.environment)) at \(Format.time(plan.generatedAt))\n  "
        if inputs { header += "inputs \(Format.shortDigest(plan.inputDigest)), " }
        header += "state serial \(plan.stateSerial)"
        if let lineage = plan.stateLineage { header += " (lineage \(Format.shortDigest(lineage)))" }
        return header
    }

    /// Errors in red, warnings in yellow, under their own heading; nothing when there are none.
    static func diagnostics(_ diagnostics: [Diagnostic], _ st: Style) -> [String] {
        guard !diagnostics.isEmpty else { return [] }
        return ["", st.bold("Diagnostics")]
            + diagnostics.map { "  " + ($0.severity == .error ? st.red($0.description) : st.yellow($0.description)) }
    }

    /// A unified diff, indented and coloured, cut after `maxLines` lines (0: never)
    /// with a note that says where the whole patch is (`whole`).
    static func diff(_ patch: String, maxLines: Int, whole: String, _ st: Style) -> [String] {
        var lines = patch.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let shown = maxLines > 0 ? Array(lines.prefix(maxLines)) : lines
        var out = shown.map { line -> String in
            if line.hasPrefix("+"), !line.hasPrefix("+++") { return "      " + st.green(line) }
            if line.hasPrefix("-"), !line.hasPrefix("---") { return "      " + st.red(line) }
            return "      " + line
        }
        if shown.count < lines.count { out.append("      … \(lines.count - shown.count) more diff lines (\(whole))") }
        return out
    }

    // MARK: Markdown

    /// The heading and the closing line in bold, first, as a pull-request comment opens.
    static func markdownHeader(_ title: String, _ plan: PlannedChanges, summary: String) -> [String] {
        ["### \(title) for `\(plan.environment)`", "", "**\(summary)**", ""]
    }

    /// Errors as a caution callout (nothing can be applied), warnings as a warning callout.
    static func markdownDiagnostics(_ diagnostics: [Diagnostic]) -> [String] {
        let md = PlanMarkdownRenderer()
        var out: [String] = []
        let errors = diagnostics.errors, warnings = diagnostics.warnings
        if !errors.isEmpty {
            out += ["", "> [!CAUTION]", "> **\(errors.count) error(s): nothing in this plan can be applied.**"]
            out += errors.map { "> - \(md.escape($0.description))" }
        }
        if !warnings.isEmpty {
            out += ["", "> [!WARNING]"] + warnings.map { "> - \(md.escape($0.description))" }
        }
        return out
    }

    /// A whole diff in a collapsible section titled `summary` (HTML).
    static func markdownDiff(_ summary: String, _ patch: String) -> [String] {
        ["", "<details><summary>\(summary)</summary>", "", "```diff", patch.hasSuffix("\n") ? String(patch.dropLast()) : patch, "```", "</details>"]
    }
}
