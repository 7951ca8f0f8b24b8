import Foundation

/// Where a migration's bytes are and where they go: what the cost model needs
/// besides the tally and the prices.
public struct CostContext: Sendable {
    public var sourceBucket: String
    public var targetBucket: String
    public var sourceLocation: String?
    public var targetLocation: String?
    /// The class of an object whose listing does not name one.
    public var sourceDefaultClass: StorageClass
    public var targetDefaultClass: StorageClass
    /// The class copies land in: the migration's, else the target bucket's (STANDARD under Autoclass).
    public var copyClass: StorageClass
    /// The class the plan asks copies to be written in, if it asks.
    public var requestedClass: StorageClass?
    public var sourceAutoclass: Bool
    public var targetAutoclass: Bool
    public var preserveAge: Bool
    /// `tally.rules[0..<baseRules]` are the target's rules as written; the rest are
    /// the `daysSinceCustomTime` twins `preserve_age` adds.
    public var baseRules: Int
    /// Whether the plan decides `preserve_age` for the target (a managed bucket
    /// whose rules count age): then the other choice is costed too.
    public var offersAgeAlternative: Bool
    /// Cleanup deletes the sources (`cleanup.delete_source`).
    public var deletesSources: Bool
    /// Day 0, in days since 1970 (`DayHistogram.day(now)`).
    public var today: Int

    public init(sourceBucket: String, targetBucket: String, sourceLocation: String?, targetLocation: String?,
                sourceDefaultClass: StorageClass = .standard, targetDefaultClass: StorageClass = .standard,
                copyClass: StorageClass = .standard, requestedClass: StorageClass? = nil, sourceAutoclass: Bool = false,
                targetAutoclass: Bool = false, preserveAge: Bool = false, baseRules: Int = 0, offersAgeAlternative: Bool = false,
                deletesSources: Bool = false, today: Int) {
        self.sourceBucket = sourceBucket
        self.targetBucket = targetBucket
        self.sourceLocation = sourceLocation
        self.targetLocation = targetLocation
        self.sourceDefaultClass = sourceDefaultClass
        self.targetDefaultClass = targetDefaultClass
        self.copyClass = copyClass
        self.requestedClass = requestedClass
        self.sourceAutoclass = sourceAutoclass
        self.targetAutoclass = targetAutoclass
        self.preserveAge = preserveAge
        self.baseRules = baseRules
        self.offersAgeAlternative = offersAgeAlternative
        self.deletesSources = deletesSources
        self.today = today
    }
}

/// The arithmetic of a move's cost, from a `CostTally` and the prices:
///
/// - before: every selected source object at its own class's at-rest price in the source location;
/// - after: the copies at the target's prices, their class followed day by day
///   under the target's lifecycle (age from the source with `preserve_age`, from 0
///   without), plus the sources until cleanup deletes them (for ever without cleanup);
/// - one-time: one Class A operation per copy at the destination class's rate,
///   retrieval for copies read out of a colder class, early deletion for sources
///   deleted before their class's minimum duration, network for a copy across locations;
/// - break-even: the first month at whose end the savings cover the one-time cost.
public enum CostModel {
    public static let month = 30

    public static func cost(_ tally: CostTally, _ context: CostContext, pricing: Pricing) -> (cost: MigrationCost, curve: CostCurve?) {
        var run = Run(tally: tally, context: context, pricing: pricing)
        return run.evaluate()
    }

    /// The sum of the migrations' curves; costs without a curve (a price missing)
    /// are left out by the caller.
    public static func total(_ curves: [CostCurve], parts: [MigrationCost], pricing: Pricing) -> MigrationCost {
        let curve = curves.reduce(CostCurve(), +)
        var total = MigrationCost(currency: pricing.table.currency, pricesAsOf: pricing.table.asOf)
        fill(&total, curve: curve, steadyAfter: parts.compactMap(\.monthlyAfter).reduce(0, +))
        total.oneTimeParts = parts.map(\.oneTimeParts).reduce(OneTimeCost(), +)
        total.oneTime = total.oneTimeParts.total
        return total
    }

    static func fill(_ cost: inout MigrationCost, curve: CostCurve, steadyAfter: Double) {
        let rates = curve.rates
        cost.monthlyBefore = curve.before
        cost.monthlyAfter = steadyAfter
        cost.monthlyAfter1m = rates[month]
        cost.monthlyAfter3m = rates[3 * month]
        cost.monthlyAfter12m = rates[12 * month]
        cost.lifecycle12m = curve.lifecycleCharges(days: 12 * month)
        cost.breakEvenMonths = curve.breakEvenMonths
        cost.netSaving12m = curve.netSaving(days: 12 * month)
    }

    private struct Run {
        let tally: CostTally
        let context: CostContext
        let pricing: Pricing
        var missingAtRest: [String] = []
        var missingOneTime: [String] = []

        init(tally: CostTally, context: CostContext, pricing: Pricing) {
            self.tally = tally
            self.context = context
            self.pricing = pricing
        }

        var table: PriceTable { pricing.table }

        mutating func prices(_ location: String, _ storageClass: StorageClass, forOneTime: Bool = false) -> ClassPrices? {
            if let p = pricing.prices(location, storageClass) { return p }
            let note = table.location(location) == nil
                ? "no prices for \(location.uppercased()) in the table"
                : "no \(storageClass.rawValue) prices for \(location.uppercased()) in the table"
            if forOneTime {
                if !missingOneTime.contains(note) { missingOneTime.append(note) }
            } else if !missingAtRest.contains(note) {
                missingAtRest.append(note)
            }
            return nil
        }

        mutating func evaluate() -> (cost: MigrationCost, curve: CostCurve?) {
            var cost = MigrationCost(currency: table.currency, pricesAsOf: table.asOf)
            guard let source = context.sourceLocation, let target = context.targetLocation else {
                let bucket = context.sourceLocation == nil ? context.sourceBucket : context.targetBucket
                cost.notes.append("the location of \(bucket) is unknown: not costed")
                cost.oneTimeParts = OneTimeCost(classA: nil, copies: tally.copies.total.objects, retrieval: nil, earlyDeletion: nil, network: nil)
                return (cost, nil)
            }
            var sources = sourceCurve(source)
            let (targets, steadyTarget) = targetCurve(target, preserveAge: context.preserveAge)
            let parts = oneTime(source: source, target: target, earlyDeletion: &cost.earlyDeletion)
            cost.oneTimeParts = parts
            cost.warnings = warnings(source: source, target: target, parts: parts, early: cost.earlyDeletion)
            cost.notes = notes(source: source)
            guard missingAtRest.isEmpty else {
                cost.notes = missingAtRest + missingOneTime + cost.notes
                return (cost, nil)
            }
            sources.curve.oneTime = parts.total ?? 0
            let curve = sources.curve + targets
            fill(&cost, curve: curve, steadyAfter: steadyTarget + sources.kept)
            if let total = parts.total {
                cost.oneTime = total
            } else {
                cost.oneTime = nil
                cost.breakEvenMonths = nil
                cost.netSaving12m = nil
                cost.notes = missingOneTime + cost.notes
            }
            if context.offersAgeAlternative, !tally.copies.isEmpty {
                let (other, otherSteady) = targetCurve(target, preserveAge: !context.preserveAge)
                let alternative = sources.curve + other
                cost.ageAlternative = AgeAlternative(
                    preserveAge: !context.preserveAge, monthlyAfter: otherSteady + sources.kept,
                    monthlyAfter12m: alternative.rates[12 * month],
                    breakEvenMonths: parts.total == nil ? nil : alternative.breakEvenMonths)
            }
            return (cost, parts.total == nil ? nil : curve)
        }

        // MARK: - Sources

        /// The sources: billed before; after, until cleanup deletes them.
        mutating func sourceCurve(_ location: String) -> (curve: CostCurve, kept: Double) {
            var curve = CostCurve()
            for (key, bin) in tally.presentSources.entries + tally.copies.entries {
                guard let p = prices(location, key.storageClass ?? context.sourceDefaultClass) else { continue }
                curve.before += bin.gib * p.atRestPerGiBMonth
            }
            curve.change(on: 0, by: curve.before)
            var kept = curve.before
            if context.deletesSources {
                for (key, bin) in tally.removals.entries {
                    guard let removal = key.secondDay,
                          let p = prices(location, key.storageClass ?? context.sourceDefaultClass) else { continue }
                    let rate = bin.gib * p.atRestPerGiBMonth
                    curve.change(on: removal - context.today, by: -rate)
                    kept -= rate
                }
            }
            return (curve, max(kept, 0))
        }

        // MARK: - Targets

        /// The copies (to make and already made) in the target, under its lifecycle;
        /// and their rate on day 0.
        mutating func targetCurve(_ location: String, preserveAge: Bool) -> (CostCurve, Double) {
            let rules = preserveAge ? tally.rules : Array(tally.rules.prefix(context.baseRules))
            var curve = CostCurve()
            var steady = 0.0
            for (key, bin) in tally.copies.entries {
                steady += project(bin, into: &curve, location: location, rules: rules, storageClass: context.copyClass,
                                  createdDay: context.today, customDay: preserveAge ? key.secondDay : nil, mask: key.mask)
            }
            for (key, bin) in tally.presentTargets.entries {
                steady += project(bin, into: &curve, location: location, rules: rules,
                                  storageClass: key.storageClass ?? context.targetDefaultClass,
                                  createdDay: key.day ?? context.today, customDay: key.secondDay, mask: key.mask)
            }
            return (curve, steady)
        }

        /// One bin's part of the after-rate; returns its rate on day 0.
        mutating func project(_ bin: DayHistogram.Bin, into curve: inout CostCurve, location: String, rules: [LifecycleRule],
                              storageClass: StorageClass, createdDay: Int, customDay: Int?, mask: UInt32) -> Double {
            let projection = LifecycleProjection(rules: rules, storageClass: storageClass, createdDay: createdDay, customDay: customDay,
                                                 today: context.today, mask: mask, classChanges: !context.targetAutoclass)
            let fee = context.targetAutoclass ? Double(bin.large) * (pricing.autoclassFeePer1000Objects ?? 0) / 1000 : 0
            var previous = 0.0
            var first = 0.0
            var last: ClassPrices?
            for (index, step) in projection.steps.enumerated() {
                guard let p = prices(location, step.storageClass) else { return 0 }
                let rate = bin.gib * p.atRestPerGiBMonth + fee
                curve.change(on: step.day, by: rate - previous)
                if index > 0 { curve.charge(on: step.day, Double(bin.objects) * p.classAPer1000 / 1000) }
                if step.day == 0 { first = rate }
                previous = rate
                last = p
            }
            if let deleted = projection.deletedOn, let last {
                curve.change(on: deleted, by: -previous)
                if deleted == 0 { first = 0 }
                // An object dated in the future is taken as created today.
                let age = context.today + deleted - min(createdDay, context.today)
                if age < last.minimumDays {
                    curve.charge(on: deleted, bin.gib * last.atRestPerGiBMonth * Double(last.minimumDays - age) / Double(month))
                }
            }
            return first
        }

        // MARK: - One-time

        mutating func oneTime(source: String, target: String, earlyDeletion: inout EarlyDeletion?) -> OneTimeCost {
            var parts = OneTimeCost()
            let copies = tally.copies.total
            parts.copies = copies.objects
            if copies.objects > 0 {
                parts.classA = prices(target, context.copyClass, forOneTime: true).map { Double(copies.objects) * $0.classAPer1000 / 1000 }
            }
            if !context.sourceAutoclass {
                var retrieval: Double? = 0
                for (key, bin) in tally.copies.entries {
                    guard let p = prices(source, key.storageClass ?? context.sourceDefaultClass, forOneTime: true) else {
                        retrieval = nil
                        continue
                    }
                    if p.retrievalPerGiB > 0 {
                        retrieval = retrieval.map { $0 + bin.gib * p.retrievalPerGiB }
                        parts.retrievedBytes += bin.bytes
                    }
                }
                parts.retrieval = retrieval
            }
            if source.uppercased() != target.uppercased(), copies.objects > 0 {
                parts.networkBytes = copies.bytes
                if let rate = pricing.networkPerGiB(from: source, to: target) {
                    parts.network = copies.gib * rate
                } else {
                    parts.network = nil
                    missingOneTime.append("no network price from \(source.uppercased()) to \(target.uppercased()) in the table")
                }
            }
            if context.deletesSources, !context.sourceAutoclass {
                let missing = missingOneTime.count
                earlyDeletion = early(source)
                parts.earlyDeletion = missingOneTime.count > missing ? nil : earlyDeletion?.charge ?? 0
            }
            return parts
        }

        /// Sources deleted before their class's minimum storage duration.
        mutating func early(_ location: String) -> EarlyDeletion? {
            var shares: [StorageClass: EarlyDeletion.ClassShare] = [:]
            var freeFrom: Int?
            for (key, bin) in tally.removals.entries {
                let storageClass = key.storageClass ?? context.sourceDefaultClass
                guard let created = key.day, let removal = key.secondDay,
                      let p = prices(location, storageClass, forOneTime: true), p.minimumDays > 0 else { continue }
                // A creation time later than the deletion (a clock ahead) counts as age 0.
                let age = max(removal - created, 0)
                guard age < p.minimumDays else { continue }
                let charge = bin.gib * p.atRestPerGiBMonth * Double(p.minimumDays - age) / Double(month)
                var share = shares[storageClass] ?? .init(storageClass: storageClass, minimumDays: p.minimumDays, objects: 0, bytes: 0,
                                                          charge: 0, youngestDays: age)
                share.objects += bin.objects
                share.bytes += bin.bytes
                share.charge += charge
                share.youngestDays = min(share.youngestDays, age)
                shares[storageClass] = share
                freeFrom = max(freeFrom ?? .min, created + p.minimumDays)
            }
            guard let freeFrom, !shares.isEmpty else { return nil }
            let classes = shares.values.sorted { $0.storageClass.coldness < $1.storageClass.coldness }
            let samples = tally.youngRemovals.filter { sample in
                shares[sample.storageClass].map { sample.ageDays < $0.minimumDays } ?? false
            }
            return EarlyDeletion(objects: classes.reduce(0) { $0 + $1.objects }, bytes: classes.reduce(0) { $0 + $1.bytes },
                                 charge: classes.reduce(0) { $0 + $1.charge }, freeFrom: CalendarDay(DayHistogram.date(ofDay: freeFrom)),
                                 classes: classes, samples: samples)
        }

        // MARK: - Words

        func warnings(source: String, target: String, parts: OneTimeCost, early: EarlyDeletion?) -> [String] {
            var out: [String] = []
            let currency = table.currency
            if let early {
                let byClass = early.classes.map {
                    "\($0.storageClass.rawValue) (minimum \($0.minimumDays) days): \($0.objects) object(s), \(ByteFormat.string($0.bytes)), the youngest \($0.youngestDays) day(s) old"
                }.joined(separator: "; ")
                var text = "deleting \(early.objects) source object(s) (\(ByteFormat.string(early.bytes))) before their class's minimum storage duration costs "
                    + "\(Money.string(early.charge, currency)) in early-deletion charges: \(byClass); deletions on or after \(early.freeFrom) cost nothing"
                if !early.samples.isEmpty {
                    text += "; e.g. " + early.samples.prefix(3).map { "\($0.name) (\($0.storageClass.rawValue), \($0.ageDays) days)" }.joined(separator: ", ")
                }
                out.append(text)
            }
            if context.targetAutoclass {
                var text = "\(context.targetBucket) uses Autoclass: GCS ignores a storage class requested on rewrite"
                if let requested = context.requestedClass, requested != .standard { text += " (`storage_class: \(requested.rawValue)` has no effect)" }
                text += "; the copies land in STANDARD and Autoclass moves them by access, not by age: the figures keep them in STANDARD (an upper bound)"
                if let fee = pricing.autoclassFeePer1000Objects { text += ", plus its management fee of \(Money.rate(fee, currency)) per 1,000 objects of 128 KiB or more a month" }
                out.append(text)
            }
            if parts.copies > 0 {
                var changes: [String] = []
                let copiesBin = tally.copies.entries
                let sourceClasses = Set(copiesBin.map { ($0.key.storageClass ?? context.sourceDefaultClass) })
                let changed = sourceClasses.filter { $0.coldness != context.copyClass.coldness }
                if !changed.isEmpty {
                    changes.append("class " + changed.sorted { $0.coldness < $1.coldness }.map(\.rawValue).joined(separator: ", ")
                                   + " → \(context.copyClass.rawValue)")
                }
                if source.uppercased() != target.uppercased() { changes.append("location \(source.uppercased()) → \(target.uppercased())") }
                if !changes.isEmpty {
                    var billed: [String] = []
                    if let a = parts.classA { billed.append("\(Money.string(a, currency)) Class A at \(context.copyClass.rawValue)'s rate") }
                    if let r = parts.retrieval, r > 0 { billed.append("\(Money.string(r, currency)) retrieval") }
                    if let n = parts.network, n > 0 { billed.append("\(Money.string(n, currency)) network") }
                    out.append("the copies change \(changes.joined(separator: " and ")): each rewrite moves its bytes (several calls for a large object) and is billed"
                               + (billed.isEmpty ? "" : " (" + billed.joined(separator: ", ") + ")"))
                }
            }
            return out
        }

        func notes(source: String) -> [String] {
            var out: [String] = []
            if !context.deletesSources, !tally.isEmpty {
                out.append("no `cleanup: { delete_source: true }`: the sources stay and are billed after the move too")
            }
            if context.sourceAutoclass { out.append("\(context.sourceBucket) uses Autoclass: no retrieval or early-deletion charges on its objects") }
            if context.targetAutoclass, pricing.autoclassFeePer1000Objects == nil { out.append("the table has no Autoclass management fee: not counted") }
            return out
        }
    }
}

/// Money for people, in the table's currency: `$1,234.56`, `< $0.01`.
public enum Money {
    static func symbol(_ currency: String) -> String {
        currency == "USD" ? "$" : currency == "EUR" ? "€" : currency + " "
    }

    public static func string(_ amount: Double, _ currency: String) -> String {
        let symbol = symbol(currency)
        if amount == 0 { return symbol + "0" }
        if abs(amount) < 1e-10 { return "≈ " + symbol + "0" }
        if abs(amount) < 0.01 {
            // Two significant digits: a plan of small objects still shows its proportions.
            let decimals = min(12, 1 - Int(log10(abs(amount)).rounded(.down)))
            return (amount < 0 ? "-" : "") + symbol + String(format: "%.\(decimals)f", abs(amount))
        }
        let cents = Int64((abs(amount) * 100).rounded())
        let whole = String(cents / 100)
        var grouped = ""
        for (i, c) in whole.enumerated() {
            if i > 0, (whole.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return (amount < 0 ? "-" : "") + symbol + grouped + "." + String(format: "%02d", Int(cents % 100))
    }

    /// A unit price as the table gives it: `$0.0025`.
    public static func rate(_ amount: Double, _ currency: String) -> String {
        var text = String(format: "%.6f", amount)
        while text.hasSuffix("0"), !text.hasSuffix(".0") { text.removeLast() }
        if text.hasSuffix(".0") { text += "0" }
        return symbol(currency) + text
    }
}
