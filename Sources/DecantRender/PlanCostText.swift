import DecantCore

extension PlanTextRenderer {
    /// A migration's cost lines, indented under it.
    func renderCost(_ c: MigrationCost, _ st: Style) -> [String] {
        var out: [String] = []
        if c.monthlyBefore != nil {
            out.append("      cost: " + CostFormat.atRest(c))
            out.append("      one-time: " + CostFormat.oneTime(c))
            out.append("      " + CostFormat.breakEven(c))
            if let alternative = CostFormat.alternative(c) { out.append("      " + alternative) }
        }
        for w in c.warnings { out.append("      " + st.yellow("cost warning: \(w)")) }
        for n in c.notes { out.append("      " + st.dim("cost note: \(n)")) }
        return out
    }

    /// The plan's total, and the table it was costed with.
    func renderPlanCost(_ cost: PlanCost, _ st: Style) -> [String] {
        var out: [String] = [""]
        out.append(st.bold("Cost") + " (" + CostFormat.prices(cost.prices) + ")")
        let t = cost.total
        out.append("  at rest: " + CostFormat.atRest(t))
        out.append("  one-time: " + CostFormat.oneTime(t))
        out.append("  " + CostFormat.breakEven(t))
        for n in cost.notes { out.append("  " + st.dim("note: \(n)")) }
        out.append("  " + st.dim("prices: \(cost.prices.source)"))
        return out
    }
}
