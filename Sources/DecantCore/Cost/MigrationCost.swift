import Foundation

/// What one migration (or a whole plan) costs and saves, in the table's
/// currency. Monthly figures are at-rest prices for a 30-day month. A figure is
/// nil when a price it needs is missing from the table (`notes` says which).
public struct MigrationCost: Hashable, Sendable, Codable {
    public var currency: String
    public var pricesAsOf: String
    /// The objects of the migration as billed today, where they are.
    public var monthlyBefore: Double?
    /// The same bytes once moved: in the target's class after the lifecycle rules
    /// that already apply, plus the sources that cleanup does not delete.
    public var monthlyAfter: Double?
    /// Projected under the target's lifecycle rules from each object's age (and
    /// with the sources cleanup has not deleted yet by then).
    public var monthlyAfter1m: Double?
    public var monthlyAfter3m: Double?
    public var monthlyAfter12m: Double?
    /// Paid once, by apply: the sum of `oneTimeParts`.
    public var oneTime: Double?
    public var oneTimeParts: OneTimeCost
    /// Class A operations of the lifecycle's class changes and early deletions
    /// its Delete rules cause, over the first 12 months (not in `oneTime`).
    public var lifecycle12m: Double?
    /// The month in which the move has paid for itself (0: at once); nil when it never does.
    public var breakEvenMonths: Int?
    /// Saved over the first 12 months, net of the one-time cost and the
    /// lifecycle's charges: what `analyze` ranks folders by.
    public var netSaving12m: Double?
    public var earlyDeletion: EarlyDeletion?
    /// The same move with `preserve_age` the other way round, when the target's
    /// rules count age.
    public var ageAlternative: AgeAlternative?
    /// What a reviewer must know (early deletion, Autoclass, billed rewrites).
    public var warnings: [String]
    /// How the figures were made, and what is missing from them.
    public var notes: [String]

    public init(currency: String, pricesAsOf: String, monthlyBefore: Double? = nil, monthlyAfter: Double? = nil,
                monthlyAfter1m: Double? = nil, monthlyAfter3m: Double? = nil, monthlyAfter12m: Double? = nil,
                oneTime: Double? = nil, oneTimeParts: OneTimeCost = OneTimeCost(), lifecycle12m: Double? = nil,
                breakEvenMonths: Int? = nil, netSaving12m: Double? = nil, earlyDeletion: EarlyDeletion? = nil,
                ageAlternative: AgeAlternative? = nil,
                warnings: [String] = [], notes: [String] = []) {
        self.currency = currency
        self.pricesAsOf = pricesAsOf
        self.monthlyBefore = monthlyBefore
        self.monthlyAfter = monthlyAfter
        self.monthlyAfter1m = monthlyAfter1m
        self.monthlyAfter3m = monthlyAfter3m
        self.monthlyAfter12m = monthlyAfter12m
        self.oneTime = oneTime
        self.oneTimeParts = oneTimeParts
        self.lifecycle12m = lifecycle12m
        self.breakEvenMonths = breakEvenMonths
        self.netSaving12m = netSaving12m
        self.earlyDeletion = earlyDeletion
        self.ageAlternative = ageAlternative
        self.warnings = warnings
        self.notes = notes
    }

    /// True when every figure could be computed.
    public var isComplete: Bool { monthlyBefore != nil && oneTime != nil }

    /// Saved per month at 12 months (negative: the move costs more).
    public var monthlySaving12m: Double? {
        guard let before = monthlyBefore, let after = monthlyAfter12m else { return nil }
        return before - after
    }
}

/// The one-time charges of a move; nil where a price is missing.
public struct OneTimeCost: Hashable, Sendable, Codable {
    /// Class A operations: one rewrite per copy, at the destination class's rate.
    public var classA: Double?
    public var copies: Int
    /// Reading the copies out of NEARLINE, COLDLINE or ARCHIVE.
    public var retrieval: Double?
    public var retrievedBytes: Int64
    /// Deleting sources younger than their class's minimum storage duration.
    public var earlyDeletion: Double?
    /// Copying across locations.
    public var network: Double?
    public var networkBytes: Int64

    public init(classA: Double? = 0, copies: Int = 0, retrieval: Double? = 0, retrievedBytes: Int64 = 0,
                earlyDeletion: Double? = 0, network: Double? = 0, networkBytes: Int64 = 0) {
        self.classA = classA
        self.copies = copies
        self.retrieval = retrieval
        self.retrievedBytes = retrievedBytes
        self.earlyDeletion = earlyDeletion
        self.network = network
        self.networkBytes = networkBytes
    }

    public var total: Double? {
        guard let classA, let retrieval, let earlyDeletion, let network else { return nil }
        return classA + retrieval + earlyDeletion + network
    }

    public static func + (a: OneTimeCost, b: OneTimeCost) -> OneTimeCost {
        func sum(_ x: Double?, _ y: Double?) -> Double? { x.flatMap { x in y.map { x + $0 } } }
        return OneTimeCost(classA: sum(a.classA, b.classA), copies: a.copies + b.copies, retrieval: sum(a.retrieval, b.retrieval),
                           retrievedBytes: a.retrievedBytes + b.retrievedBytes, earlyDeletion: sum(a.earlyDeletion, b.earlyDeletion),
                           network: sum(a.network, b.network), networkBytes: a.networkBytes + b.networkBytes)
    }
}

/// Sources deleted before their class's minimum storage duration: billed as if
/// they had stayed that long.
public struct EarlyDeletion: Hashable, Sendable, Codable {
    public var objects: Int
    public var bytes: Int64
    public var charge: Double
    /// Deleting them on or after this day costs nothing.
    public var freeFrom: CalendarDay
    /// Per class: objects, bytes and the youngest age at deletion.
    public var classes: [ClassShare]
    /// A few of them.
    public var samples: [YoungRemoval]

    public struct ClassShare: Hashable, Sendable, Codable {
        public var storageClass: StorageClass
        public var minimumDays: Int
        public var objects: Int
        public var bytes: Int64
        public var charge: Double
        public var youngestDays: Int
        public init(storageClass: StorageClass, minimumDays: Int, objects: Int, bytes: Int64, charge: Double, youngestDays: Int) {
            self.storageClass = storageClass
            self.minimumDays = minimumDays
            self.objects = objects
            self.bytes = bytes
            self.charge = charge
            self.youngestDays = youngestDays
        }
    }

    public init(objects: Int, bytes: Int64, charge: Double, freeFrom: CalendarDay, classes: [ClassShare], samples: [YoungRemoval]) {
        self.objects = objects
        self.bytes = bytes
        self.charge = charge
        self.freeFrom = freeFrom
        self.classes = classes
        self.samples = samples
    }
}

/// The figures with `preserve_age` set the other way.
public struct AgeAlternative: Hashable, Sendable, Codable {
    /// The alternative's `preserve_age`.
    public var preserveAge: Bool
    public var monthlyAfter: Double
    public var monthlyAfter12m: Double
    public var breakEvenMonths: Int?

    public init(preserveAge: Bool, monthlyAfter: Double, monthlyAfter12m: Double, breakEvenMonths: Int?) {
        self.preserveAge = preserveAge
        self.monthlyAfter = monthlyAfter
        self.monthlyAfter12m = monthlyAfter12m
        self.breakEvenMonths = breakEvenMonths
    }
}

/// The cost of a whole plan: the table it used, and the migrations' sum.
public struct PlanCost: Hashable, Sendable, Codable {
    public var prices: PriceSummary
    /// The sum over the migrations that are costed and not blocked.
    public var total: MigrationCost
    /// Migrations left out of the total, and why; the table's age.
    public var notes: [String]

    public init(prices: PriceSummary, total: MigrationCost, notes: [String] = []) {
        self.prices = prices
        self.total = total
        self.notes = notes
    }
}
