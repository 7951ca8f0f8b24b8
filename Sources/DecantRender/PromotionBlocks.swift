import DecantCore
import Foundation

/// The promotion section of a plan (`promotion.<env>`), in text, Markdown and
/// JSON: per migration, whether the earlier environment applied and verified the
/// same definition, since when, and whether the soak has passed.
enum PromotionBlocks {
    static func title(_ r: PromotionReport, environment: String) -> String {
        "Promotion from \(r.from) (soak \(r.soak))" + (r.fromState.map { ", read from \($0)" } ?? ", \(r.from) has no state yet")
    }

    static func text(_ plan: PlannedChanges, _ st: Style) -> [String] {
        guard let r = plan.promotion else { return [] }
        var out = ["", st.bold(title(r, environment: plan.environment))]
        for e in r.migrations {
            let mark = e.status == .promoted ? " " : (e.refused ? st.red("!") : st.yellow("-"))
            let why = e.explanation(from: r.from, soak: r.soak, at: r.checkedAt)
            let note = e.refused ? (r.ignored ? st.yellow(" (apply goes ahead: --ignore-promotion)") : st.red(" (apply refuses it)")) : ""
            out.append("  \(mark) \(e.migration): \(e.status.rawValue): \(why)\(note)")
        }
        return out
    }

    static func markdown(_ plan: PlannedChanges) -> [String] {
        guard let r = plan.promotion else { return [] }
        let md = PlanMarkdownRenderer()
        var out = ["", "#### " + title(r, environment: plan.environment), "",
                   "| | Migration | In \(r.from) | Since | Eligible from | Apply |", "|---|---|---|---|---|---|"]
        for e in r.migrations {
            let mark = e.status == .promoted ? "✅" : (e.refused ? "⛔" : "⏳")
            let apply = !e.hasWork ? "nothing to do" : (e.refused ? (r.ignored ? "**goes ahead: --ignore-promotion**" : "refused") : "allowed")
            out.append("| \(mark) | `\(e.migration)` | \(md.escape(e.explanation(from: r.from, soak: r.soak, at: r.checkedAt))) | "
                       + "\(e.since.map(Format.time) ?? "") | \(e.eligibleFrom.map(Format.time) ?? "") | \(apply) |")
        }
        return out
    }
}

/// `promotion` in the JSON plan (see docs/json.md).
struct PromotionJSON: Encodable {
    var from: String
    var soakSeconds: Int64
    var checkedAt: Date
    var fromState: String?
    var ignored: Bool
    var migrations: [Entry]
    struct Entry: Encodable {
        var key: String
        var status: String
        var since: Date?
        var eligibleFrom: Date?
        var hasWork: Bool
        var refused: Bool
    }

    init(_ r: PromotionReport) {
        from = r.from
        soakSeconds = r.soak.seconds
        checkedAt = r.checkedAt
        fromState = r.fromState
        ignored = r.ignored
        migrations = r.migrations.map {
            Entry(key: $0.migration, status: $0.status.rawValue, since: $0.since, eligibleFrom: $0.eligibleFrom, hasWork: $0.hasWork,
                  refused: $0.refused)
        }
    }
}
