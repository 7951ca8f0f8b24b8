/// The plan files' `pricing:` key, as written: which table, and the company's
/// own terms on top of it.
public struct PricingConfig: Hashable, Sendable, Codable {
    /// A price table file, as written (relative paths are resolved by the CLI
    /// against its working directory); nil: decant's built-in table.
    public var table: String?
    /// A fraction taken off every price of the table (`0.15`: 15% off).
    public var discount: Double
    /// Prices that replace the table's for a class, in every location (not discounted).
    public var overrides: [ClassPriceOverride]
    public var origin: SourceLocation?

    public init(table: String? = nil, discount: Double = 0, overrides: [ClassPriceOverride] = [], origin: SourceLocation? = nil) {
        self.table = table
        self.discount = discount
        self.overrides = overrides
        self.origin = origin
    }
}

/// Negotiated prices for one storage class; nil fields keep the table's.
public struct ClassPriceOverride: Hashable, Sendable, Codable {
    public var storageClass: StorageClass
    public var atRestPerGiBMonth: Double?
    public var classAPer1000: Double?
    public var classBPer1000: Double?
    public var retrievalPerGiB: Double?

    public init(storageClass: StorageClass, atRestPerGiBMonth: Double? = nil, classAPer1000: Double? = nil,
                classBPer1000: Double? = nil, retrievalPerGiB: Double? = nil) {
        self.storageClass = storageClass
        self.atRestPerGiBMonth = atRestPerGiBMonth
        self.classAPer1000 = classAPer1000
        self.classBPer1000 = classBPer1000
        self.retrievalPerGiB = retrievalPerGiB
    }

    /// `COLDLINE at rest 0.0035, Class A 0.01`.
    public var description: String {
        var parts: [String] = []
        if let v = atRestPerGiBMonth { parts.append("at rest \(v)/GiB-month") }
        if let v = classAPer1000 { parts.append("Class A \(v)/1,000") }
        if let v = classBPer1000 { parts.append("Class B \(v)/1,000") }
        if let v = retrievalPerGiB { parts.append("retrieval \(v)/GiB") }
        return "\(storageClass.rawValue) " + parts.joined(separator: ", ")
    }
}

/// The prices a plan is costed with: a table, less the discount, with the
/// overrides of the plan files.
public struct Pricing: Hashable, Sendable, Codable {
    public var table: PriceTable
    public var discount: Double
    public var overrides: [ClassPriceOverride]

    public init(table: PriceTable, discount: Double = 0, overrides: [ClassPriceOverride] = []) {
        self.table = table
        self.discount = discount
        self.overrides = overrides
    }

    /// What a class costs in a location, after the discount and the overrides;
    /// nil when the table has no price for it.
    public func prices(_ location: String, _ storageClass: StorageClass) -> ClassPrices? {
        guard var p = table.location(location)?.prices(storageClass) else { return nil }
        let keep = 1 - discount
        p.atRestPerGiBMonth *= keep
        p.classAPer1000 *= keep
        p.classBPer1000 *= keep
        p.retrievalPerGiB *= keep
        if let o = overrides.first(where: { $0.storageClass == p.storageClass }) {
            if let v = o.atRestPerGiBMonth { p.atRestPerGiBMonth = v }
            if let v = o.classAPer1000 { p.classAPer1000 = v }
            if let v = o.classBPer1000 { p.classBPer1000 = v }
            if let v = o.retrievalPerGiB { p.retrievalPerGiB = v }
        }
        return p
    }

    /// Per GiB moved between two locations, after the discount; nil when unknown.
    public func networkPerGiB(from: String, to: String) -> Double? {
        table.networkPerGiB(from: from, to: to).map { $0 * (1 - discount) }
    }

    /// Each class's minimum storage duration in a location (none when it has no prices).
    public func minimumDays(at location: String?) -> [StorageClass: Int] {
        guard let location else { return [:] }
        var out: [StorageClass: Int] = [:]
        for c in StorageClass.allCases { out[c] = prices(location, c)?.minimumDays }
        return out
    }

    public var autoclassFeePer1000Objects: Double? { table.autoclassFeePer1000Objects.map { $0 * (1 - discount) } }

    /// How a plan names the prices it used.
    public var summary: PriceSummary {
        var adjustments: [String] = []
        if discount > 0 { adjustments.append("\(Self.percent(discount)) discount") }
        adjustments += overrides.map { $0.description + " (plan files)" }
        return PriceSummary(table: table.name, origin: table.origin, currency: table.currency, asOf: table.asOf,
                            source: table.source, adjustments: adjustments)
    }

    static func percent(_ fraction: Double) -> String {
        let p = fraction * 100
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }
}

/// The price table a plan was costed with, as the plan output names it.
public struct PriceSummary: Hashable, Sendable, Codable {
    public var table: String
    /// `built-in`, or the table's file.
    public var origin: String
    public var currency: String
    public var asOf: String
    public var source: String
    /// The plan files' discount and overrides, in words.
    public var adjustments: [String]

    public init(table: String, origin: String, currency: String, asOf: String, source: String, adjustments: [String] = []) {
        self.table = table
        self.origin = origin
        self.currency = currency
        self.asOf = asOf
        self.source = source
        self.adjustments = adjustments
    }
}
