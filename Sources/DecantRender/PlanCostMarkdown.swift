import DecantCore

extension PlanMarkdownRenderer {
    /// The cost section: a row per migration, the total, and what a reviewer must know.
    func costSection(_ plan: PlannedChanges) -> [String] {
        guard let cost = plan.cost else { return [] }
        var out: [String] = ["", "#### Cost", ""]
        out.append("Prices: \(escape(CostFormat.prices(cost.prices))).")
        out.append("")
        out.append("| Migration | Monthly now | After the move | In 12 months | One-time | Pays for itself |")
        out.append("|---|---:|---:|---:|---:|---|")
        func row(_ name: String, _ c: MigrationCost) -> String {
            let cur = c.currency
            var after = CostFormat.money(c.monthlyAfter, cur)
            if let change = CostFormat.change(c.monthlyBefore, c.monthlyAfter) { after += " (\(change))" }
            let pays = c.monthlyBefore == nil || c.oneTime == nil ? "unknown"
                : c.breakEvenMonths.map { $0 == 0 ? "at once" : $0 > 120 ? "after 10 years" : "month \($0)" } ?? "never"
            return "| \(name) | \(CostFormat.money(c.monthlyBefore, cur)) | \(after) | \(CostFormat.money(c.monthlyAfter12m, cur)) | \(CostFormat.money(c.oneTime, cur)) | \(pays) |"
        }
        for m in plan.migrations {
            guard let c = m.cost else { continue }
            out.append(row("`\(m.key)`" + (m.blockers.isEmpty ? "" : " (blocked)"), c))
        }
        out.append(row("**Total**", cost.total))
        if pictures { out += PlanPictures.costChart(plan) }
        let warnings = plan.migrations.flatMap { m in (m.cost?.warnings ?? []).map { "`\(m.key)`: \(escape($0))" } }
        if !warnings.isEmpty {
            out.append("")
            out.append("> [!WARNING]")
            for w in warnings { out.append("> - \(w)") }
        }
        let notes = cost.notes + plan.migrations.flatMap { m in (m.cost?.notes ?? []).map { "`\(m.key)`: \($0)" } }
        if !notes.isEmpty {
            out.append("")
            for n in notes { out.append("- \(escape(n))") }
        }
        out.append("")
        out.append("<sub>\(escape(cost.prices.source))</sub>")
        return out
    }

    /// The cost lines of one migration's details.
    func costDetails(_ m: MigrationPlan) -> [String] {
        guard let c = m.cost, c.monthlyBefore != nil else { return [] }
        var out = ["- 💶 at rest: \(escape(CostFormat.atRest(c)))",
                   "- 💶 one-time: \(escape(CostFormat.oneTime(c))); \(CostFormat.breakEven(c))"]
        if let alternative = CostFormat.alternative(c) { out.append("- 💶 \(escape(alternative))") }
        return out
    }
}
