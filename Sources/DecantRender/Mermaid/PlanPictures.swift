import DecantCore

/// The pictures of a Markdown plan, drawn from the very values its tables show
/// (`MermaidParserTests` parses them back and compares).
enum PlanPictures {
    /// More migrations than this and the flowchart is left out: it would be
    /// unreadable, and the table says the same.
    static let maxMigrations = 60

    /// The migrations by phase: each source folder (in its phase's box) → its
    /// target bucket, the edge labelled with the target folder and what moves.
    /// Held deletions mark the source (dashed amber); blocked migrations get a
    /// dotted edge and a red source.
    static func migrationFlow(_ plan: PlannedChanges) -> [String] {
        let migrations = plan.migrations
        guard !migrations.isEmpty else { return [] }
        guard migrations.count <= maxMigrations else {
            return ["", "_\(migrations.count) migrations: too many to draw; the table above lists them._"]
        }
        var lines = ["flowchart LR"]
        var targets: [String: String] = [:], targetOrder: [String] = []
        for m in migrations where targets[m.target.bucket] == nil {
            targets[m.target.bucket] = "t\(targetOrder.count)"
            targetOrder.append(m.target.bucket)
        }
        let phases = Array(Set(migrations.map(\.phase))).sorted()
        for phase in phases {
            lines.append("  subgraph phase\(phase)[\"\(Mermaid.label("Phase \(phase)"))\"]")
            for (i, m) in migrations.enumerated() where m.phase == phase {
                lines.append("    m\(i)[\"\(Mermaid.lines(sourceLines(m)))\"]")
            }
            lines.append("  end")
        }
        for bucket in targetOrder {
            lines.append("  \(targets[bucket] ?? "")[(\"\(Mermaid.label("gs://\(bucket)"))\")]")
        }
        for (i, m) in migrations.enumerated() {
            let arrow = m.blockers.isEmpty ? "-->" : "-.->"
            lines.append("  m\(i) \(arrow)|\"\(Mermaid.lines(edgeLines(m)))\"| \(targets[m.target.bucket] ?? "")")
        }
        let held = migrations.indices.filter { !migrations[$0].deleteHeld.isEmpty && migrations[$0].blockers.isEmpty }
        let blocked = migrations.indices.filter { !migrations[$0].blockers.isEmpty }
        if !held.isEmpty {
            lines.append("  classDef held stroke:#b45309,stroke-width:2px,stroke-dasharray:5 3")
            lines.append("  class " + held.map { "m\($0)" }.joined(separator: ",") + " held")
        }
        if !blocked.isEmpty {
            lines.append("  classDef blocked stroke:#dc2626,stroke-width:2px")
            lines.append("  class " + blocked.map { "m\($0)" }.joined(separator: ",") + " blocked")
        }
        return Mermaid.block(lines)
    }

    /// The source node: the migration, its source folder and what stays there.
    static func sourceLines(_ m: MigrationPlan) -> [String] {
        var parts = [m.key, m.source.url]
        if !m.blockers.isEmpty { parts.append("⛔ blocked") }
        let held = m.deleteHeld.reduce(Tally()) { $0 + $1.tally }
        if !held.isZero { parts.append("🔒 kept \(Format.tally(held))") }
        return parts
    }

    /// The edge: where in the target, then the table's Copy, In sync and Delete.
    static func edgeLines(_ m: MigrationPlan) -> [String] {
        var parts = ["into \(m.target.prefix.isEmpty ? "(bucket root)" : m.target.prefix)",
                     "copy \(Format.tally(m.copy + m.overwrite))"]
        let inSync = m.inSync + m.adopt
        if !inSync.isZero { parts.append("in sync \(Format.objects(inSync))") }
        if !m.delete.isZero { parts.append("delete \(Format.tally(m.delete))") }
        return parts
    }

    /// Monthly cost at rest, now and after the move, for each row of the cost
    /// table whose two figures are known (the total last); nothing without cost.
    static func costChart(_ plan: PlannedChanges) -> [String] {
        guard let cost = plan.cost else { return [] }
        var rows: [(name: String, before: Double, after: Double)] = []
        for m in plan.migrations {
            guard let c = m.cost, let before = c.monthlyBefore, let after = c.monthlyAfter else { continue }
            rows.append((m.key + (m.blockers.isEmpty ? "" : " (blocked)"), before, after))
        }
        guard !rows.isEmpty, let before = cost.total.monthlyBefore, let after = cost.total.monthlyAfter else { return [] }
        rows.append(("Total", before, after))
        var categories: [String] = [], values: [String] = []
        for row in rows {
            categories += ["\(row.name): now", "\(row.name): after"]
            values += [Mermaid.number(row.before, decimals: 4), Mermaid.number(row.after, decimals: 4)]
        }
        let currency = Mermaid.category(cost.prices.currency)
        return Mermaid.block([
            "xychart-beta",
            "  title \"Monthly cost at rest (\(currency)): now and after the move\"",
            "  x-axis [" + categories.map { "\"\(Mermaid.category($0))\"" }.joined(separator: ", ") + "]",
            "  y-axis \"\(currency) per month\"",
            "  bar [" + values.joined(separator: ", ") + "]",
        ])
    }
}
