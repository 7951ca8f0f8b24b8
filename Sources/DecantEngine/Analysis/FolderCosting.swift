import DecantCore
import Foundation

/// What moving one folder to its suggested class and lifecycle costs and saves:
/// the plan's cost model on the folder's histogram, as if every object were
/// copied into a new bucket in the same location and its source deleted once copied.
enum FolderCosting {
    static func cost(_ ages: DayHistogram, temperature: Temperature, bucket: BucketInfo, pricing: Pricing, now: Date) -> MigrationCost {
        let suggested = temperature.suggestedStorage
        let base = suggested.rules.map { LifecycleRule(action: .setStorageClass($0.storageClass), condition: .init(age: $0.ageDays)) }
        let twins = suggested.needsPreservedAge ? base.map(\.onCustomTime) : []
        let location = bucket.settings.location
        let today = DayHistogram.day(now)
        let sourceDefault = bucket.settings.storageClass ?? .standard
        var tally = CostTally(rules: base + twins, minimumDays: pricing.minimumDays(at: location), sourceDefaultClass: sourceDefault)
        tally.move(ages, removalDay: today)
        let context = CostContext(
            sourceBucket: bucket.name, targetBucket: "the suggested bucket", sourceLocation: location, targetLocation: location,
            sourceDefaultClass: sourceDefault, targetDefaultClass: suggested.storageClass, copyClass: suggested.storageClass,
            sourceAutoclass: bucket.settings.autoclass ?? false, preserveAge: suggested.needsPreservedAge, baseRules: base.count,
            deletesSources: true, today: today)
        return CostModel.cost(tally, context, pricing: pricing).cost
    }
}
