import DecantCore
import Foundation

/// Costs a plan: what each migration's move costs and saves (from the tally its
/// diff gathered), and the sum.
enum CostPlanning {
    /// Where a migration's bytes are and go, and an empty tally for its diff to fill.
    static func setup(_ migration: Migration, plan: Plan, observed: [String: BucketInfo?], pricing: Pricing,
                      now: Date) -> (context: CostContext, tally: CostTally) {
        let source = (observed[migration.source.bucket] ?? nil)?.settings
        let target = (observed[migration.target.bucket] ?? nil)?.settings
        let spec = plan.bucket(named: migration.target.bucket)
        // The rules the bucket will have: the plan's when it manages them, with the
        // customTime twins `preserve_age` adds (costed both ways); else what is there.
        var base: [LifecycleRule], twins: [LifecycleRule] = []
        if let rules = spec?.settings.lifecycle {
            base = rules
            twins = rules.filter(\.condition.dependsOnCreationTime).map(\.onCustomTime)
        } else {
            base = target?.lifecycle ?? []
        }
        let targetAutoclass = spec?.settings.autoclass ?? target?.autoclass ?? false
        let targetDefault = spec?.settings.storageClass ?? target?.storageClass ?? .standard
        let sourceLocation = source?.location
        let sourceDefault = source?.storageClass ?? .standard
        let context = CostContext(
            sourceBucket: migration.source.bucket, targetBucket: migration.target.bucket, sourceLocation: sourceLocation,
            targetLocation: target?.location ?? spec?.settings.location, sourceDefaultClass: sourceDefault,
            targetDefaultClass: targetDefault,
            copyClass: targetAutoclass ? .standard : (migration.storageClass ?? targetDefault), requestedClass: migration.storageClass,
            sourceAutoclass: source?.autoclass ?? false, targetAutoclass: targetAutoclass, preserveAge: spec?.preserveAge ?? false,
            baseRules: base.count, offersAgeAlternative: !twins.isEmpty, deletesSources: migration.cleanup?.deleteSource == true,
            today: DayHistogram.day(now))
        return (context, CostTally(rules: base + twins, minimumDays: pricing.minimumDays(at: sourceLocation), sourceDefaultClass: sourceDefault))
    }

    /// Sets each migration's cost and the plan's.
    static func cost(_ changes: inout PlannedChanges, migrations: [Migration], outcomes: [MigrationOutcome], plan: Plan,
                     observed: [String: BucketInfo?], pricing: Pricing, now: Date) {
        // One running sum: a plan of many migrations keeps one curve, not one each.
        var sum = CostCurve()
        var parts: [MigrationCost] = []
        var notes: [String] = []
        for (index, migration) in migrations.enumerated() where index < changes.migrations.count {
            guard let tally = outcomes[index].cost else {
                var cost = MigrationCost(currency: pricing.table.currency, pricesAsOf: pricing.table.asOf)
                cost.notes = ["source bucket \(migration.source.bucket) does not exist: not costed"]
                changes.migrations[index].cost = cost
                notes.append("\(migration.key) is not in the total: its source bucket does not exist")
                continue
            }
            let context = setup(migration, plan: plan, observed: observed, pricing: pricing, now: now).context
            let (cost, curve) = CostModel.cost(tally, context, pricing: pricing)
            changes.migrations[index].cost = cost
            if !changes.migrations[index].blockers.isEmpty {
                notes.append("\(migration.key) is not in the total: it is blocked")
            } else if let curve {
                sum = sum + curve
                parts.append(cost)
            } else {
                let why = cost.notes.first.map { " (\($0))" } ?? ""
                notes.append("\(migration.key) is not in the total: not costed\(why)")
            }
        }
        if let day = pricing.table.asOfDay {
            let months = Int(now.timeIntervalSince(day.startDate) / (30.4 * 86_400))
            if months >= 12 {
                notes.append("the prices are as of \(pricing.table.asOf), \(months) months before this plan: check them against the provider's current prices")
            }
        }
        changes.cost = PlanCost(prices: pricing.summary, total: CostModel.total([sum], parts: parts, pricing: pricing), notes: notes)
    }
}
