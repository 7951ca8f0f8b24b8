import DecantCore
import DecantState
import Foundation

/// `promotion.<env>`: judges each migration of a plan against what the earlier
/// environment's state records (`migration_outcomes`), and refuses an apply of a
/// migration that environment has not applied and verified, under the same
/// definition, for at least the soak.
public enum PromotionGate {
    /// The report for `changes` (planned from `plan`), from the earlier environment's
    /// records (`outcomes`, `runs`; empty when it has no state), judged at `now`.
    public static func report(plan: Plan, changes: PlannedChanges, promotion: Promotion, outcomes: [MigrationOutcomeRecord],
                              runs: [RunRecord], fromState: String?, at now: Date) -> PromotionReport {
        let undone = undoneSerials(runs)
        let live = outcomes.filter { !undone.contains($0.serial) }
        let byMigration = Dictionary(grouping: live, by: \.migration)
        let withWork = Set(changes.graph.actions.compactMap(\.migration))
        let entries = changes.migrations.map { m -> PromotionReport.Entry in
            let digest = plan.migration(key: m.key)?.inputsDigest
            var entry = judge(byMigration[m.key] ?? [], digest: digest, soak: promotion.soak, at: now)
            entry.migration = m.key
            entry.hasWork = withWork.contains(m.key)
            return entry
        }
        return PromotionReport(from: promotion.from, soak: promotion.soak, checkedAt: now, fromState: fromState, migrations: entries)
    }

    /// One migration's rows (oldest first): the latest decides; the soak runs from
    /// the first of the unbroken verified applies of this definition that end it.
    static func judge(_ rows: [MigrationOutcomeRecord], digest: String?, soak: DurationSpec, at now: Date) -> PromotionReport.Entry {
        let rows = rows.sorted { $0.serial < $1.serial }
        guard let digest, let last = rows.last else { return .init(migration: "", status: .notApplied, hasWork: false) }
        guard last.inputsDigest == digest else { return .init(migration: "", status: .changed, hasWork: false) }
        guard last.verified else { return .init(migration: "", status: .notVerified, hasWork: false) }
        let streak = rows.reversed().prefix { $0.inputsDigest == digest && $0.verified }
        let since = streak.map(\.finished).min() ?? last.finished
        let eligible = since.addingTimeInterval(TimeInterval(soak.seconds))
        return .init(migration: "", status: now >= eligible ? .promoted : .soaking, since: since, eligibleFrom: eligible, hasWork: false)
    }

    /// Serials a later rollback undid (`rollback --to T` at serial R undoes T+1…R-1).
    static func undoneSerials(_ runs: [RunRecord]) -> Set<Int64> {
        var out = Set<Int64>()
        for run in runs where run.kind == .rollback {
            guard let target = run.rollbackTo, target + 1 < run.serial else { continue }
            out.formUnion((target + 1)..<run.serial)
        }
        return out
    }

    /// Throws `promotionRefused` naming each migration the report holds back, unless
    /// the report is overridden (`--ignore-promotion`).
    public static func check(_ report: PromotionReport, environment: String) throws {
        let refused = report.refused
        guard !report.ignored, !refused.isEmpty else { return }
        throw EngineError.promotionRefused(
            environment: environment, from: report.from, soak: report.soak.description,
            migrations: refused.map { "\($0.migration) (\($0.explanation(from: report.from, soak: report.soak, at: report.checkedAt)))" })
    }
}
