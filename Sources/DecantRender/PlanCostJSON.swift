import DecantCore
import Foundation

/// `cost` in the JSON plan (each migration and the plan): numbers, not strings,
/// rounded to nine significant digits; `null` where a price is missing and for
/// `break_even_months` when the move never pays for itself.
struct CostJSON: Encodable {
    let cost: MigrationCost
    /// Only on the plan's own `cost`.
    var prices: PriceSummary?
    var planNotes: [String] = []

    enum Key: String, CodingKey {
        case priceTable = "price_table", currency, pricesAsOf = "prices_as_of", monthlyBefore = "monthly_before"
        case monthlyAfter = "monthly_after", monthlyAfter1m = "monthly_after_1m", monthlyAfter3m = "monthly_after_3m"
        case monthlyAfter12m = "monthly_after_12m", monthlySaving12m = "monthly_saving_12m", oneTime = "one_time"
        case oneTimeParts = "one_time_parts", lifecycle12m = "lifecycle_12m", breakEvenMonths = "break_even_months"
        case netSaving12m = "net_saving_12m"
        case earlyDeletion = "early_deletion", ageAlternative = "preserve_age_alternative", warnings, notes
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        if let prices { try c.encode(PriceTableJSON(prices), forKey: .priceTable) }
        try c.encode(cost.currency, forKey: .currency)
        try c.encode(cost.pricesAsOf, forKey: .pricesAsOf)
        try c.encode(Self.round(cost.monthlyBefore), forKey: .monthlyBefore)
        try c.encode(Self.round(cost.monthlyAfter), forKey: .monthlyAfter)
        try c.encode(Self.round(cost.monthlyAfter1m), forKey: .monthlyAfter1m)
        try c.encode(Self.round(cost.monthlyAfter3m), forKey: .monthlyAfter3m)
        try c.encode(Self.round(cost.monthlyAfter12m), forKey: .monthlyAfter12m)
        try c.encode(Self.round(cost.monthlySaving12m), forKey: .monthlySaving12m)
        try c.encode(Self.round(cost.oneTime), forKey: .oneTime)
        try c.encode(OneTimeJSON(cost.oneTimeParts), forKey: .oneTimeParts)
        try c.encode(Self.round(cost.lifecycle12m), forKey: .lifecycle12m)
        try c.encode(cost.breakEvenMonths, forKey: .breakEvenMonths)
        try c.encode(Self.round(cost.netSaving12m), forKey: .netSaving12m)
        try c.encode(cost.earlyDeletion.map(EarlyJSON.init), forKey: .earlyDeletion)
        if let a = cost.ageAlternative {
            try c.encode(AlternativeJSON(preserveAge: a.preserveAge, monthlyAfter: Self.round(a.monthlyAfter),
                                         monthlyAfter12m: Self.round(a.monthlyAfter12m), breakEvenMonths: a.breakEvenMonths),
                         forKey: .ageAlternative)
        }
        try c.encode(cost.warnings, forKey: .warnings)
        try c.encode(planNotes + cost.notes, forKey: .notes)
    }

    /// Nine significant digits: no binary noise (`0.30000000000000004`), small amounts kept.
    static func round(_ value: Double) -> Double { Double(String(format: "%.9g", value)) ?? value }
    /// JSON has no infinity: a figure that overflowed is `null`.
    static func round(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? round($0) : nil } }

    struct PriceTableJSON: Encodable {
        var name: String
        var origin: String
        var currency: String
        var asOf: String
        var source: String
        var adjustments: [String]
        init(_ p: PriceSummary) {
            name = p.table; origin = p.origin; currency = p.currency; asOf = p.asOf; source = p.source; adjustments = p.adjustments
        }
    }

    struct OneTimeJSON: Encodable {
        let parts: OneTimeCost
        init(_ parts: OneTimeCost) { self.parts = parts }
        enum Key: String, CodingKey {
            case classA = "class_a", copies, retrieval, retrievedBytes = "retrieved_bytes", earlyDeletion = "early_deletion"
            case network, networkBytes = "network_bytes"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(CostJSON.round(parts.classA), forKey: .classA)
            try c.encode(parts.copies, forKey: .copies)
            try c.encode(CostJSON.round(parts.retrieval), forKey: .retrieval)
            try c.encode(parts.retrievedBytes, forKey: .retrievedBytes)
            try c.encode(CostJSON.round(parts.earlyDeletion), forKey: .earlyDeletion)
            try c.encode(CostJSON.round(parts.network), forKey: .network)
            try c.encode(parts.networkBytes, forKey: .networkBytes)
        }
    }

    struct EarlyJSON: Encodable {
        var objects: Int
        var bytes: Int64
        var charge: Double
        var freeFrom: String
        var classes: [Share]
        var samples: [Sample]
        struct Share: Encodable {
            var storageClass: String
            var minimumDays: Int
            var objects: Int
            var bytes: Int64
            var charge: Double
            var youngestDays: Int
        }
        struct Sample: Encodable { var name: String; var storageClass: String; var ageDays: Int; var size: Int64 }
        init(_ e: EarlyDeletion) {
            objects = e.objects; bytes = e.bytes; charge = CostJSON.round(e.charge); freeFrom = e.freeFrom.description
            classes = e.classes.map { Share(storageClass: $0.storageClass.rawValue, minimumDays: $0.minimumDays, objects: $0.objects,
                                            bytes: $0.bytes, charge: CostJSON.round($0.charge), youngestDays: $0.youngestDays) }
            samples = e.samples.map { Sample(name: $0.name, storageClass: $0.storageClass.rawValue, ageDays: $0.ageDays, size: $0.size) }
        }
    }

    struct AlternativeJSON: Encodable {
        var preserveAge: Bool
        var monthlyAfter: Double
        var monthlyAfter12m: Double
        var breakEvenMonths: Int?
        enum Key: String, CodingKey {
            case preserveAge = "preserve_age", monthlyAfter = "monthly_after", monthlyAfter12m = "monthly_after_12m", breakEvenMonths = "break_even_months"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(preserveAge, forKey: .preserveAge)
            try c.encode(monthlyAfter, forKey: .monthlyAfter)
            try c.encode(monthlyAfter12m, forKey: .monthlyAfter12m)
            try c.encode(breakEvenMonths, forKey: .breakEvenMonths)
        }
    }
}
