/// Storage prices as data: per location and storage class, with the currency,
/// the date they were read and where each figure comes from. decant ships one
/// (Google's list prices, see `decant prices`); a plan can name its own
/// (`pricing: { table: FILE }`).
public struct PriceTable: Hashable, Sendable, Codable {
    /// What the table is, in words (`Google Cloud Storage list prices`).
    public var name: String
    /// ISO 4217 (`USD`).
    public var currency: String
    /// When the prices were read, as written: `2025`, `2025-01` or `2025-01-31`.
    public var asOf: String
    /// Where the figures come from, and how far they were checked.
    public var source: String
    /// Named provenance notes that locations, classes and network rates point to.
    public var sources: [String: String]
    public var locations: [LocationPrices]
    public var network: [NetworkPrice]
    /// Autoclass's management fee per 1,000 objects of 128 KiB or more, per month.
    public var autoclassFeePer1000Objects: Double?
    /// `built-in`, or the file it was read from.
    public var origin: String

    public init(name: String, currency: String, asOf: String, source: String, sources: [String: String] = [:],
                locations: [LocationPrices], network: [NetworkPrice] = [], autoclassFeePer1000Objects: Double? = nil,
                origin: String) {
        self.name = name
        self.currency = currency
        self.asOf = asOf
        self.source = source
        self.sources = sources
        self.locations = locations
        self.network = network
        self.autoclassFeePer1000Objects = autoclassFeePer1000Objects
        self.origin = origin
    }

    /// The prices of a location (`europe-west1` and `EUROPE-WEST1` are one).
    public func location(_ name: String) -> LocationPrices? {
        let key = name.uppercased()
        return locations.first { $0.location == key }
    }

    /// The price per GiB of moving bytes from one location to another: 0 within a
    /// location, nil when the table has no rate for the pair.
    public func networkPerGiB(from: String, to: String) -> Double? {
        let a = from.uppercased(), b = to.uppercased()
        if a == b { return 0 }
        return network.first { $0.applies(from: a, to: b) }?.perGiB
    }

    /// The first day of `asOf` (a year means its first of January).
    public var asOfDay: CalendarDay? {
        let parts = asOf.split(separator: "-").map(String.init)
        guard let year = parts.first.flatMap({ Int($0) }) else { return nil }
        let month = parts.count > 1 ? Int(parts[1]) : 1
        let day = parts.count > 2 ? Int(parts[2]) : 1
        guard let month, let day, parts.count <= 3 else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }
}

/// One location's prices (a region, a dual-region or a multi-region, as GCS names it).
public struct LocationPrices: Hashable, Sendable, Codable {
    /// Upper case, as GCS reports it (`EUROPE-WEST1`, `EU`).
    public var location: String
    /// `region`, `dual-region` or `multi-region`.
    public var kind: String?
    public var classes: [ClassPrices]
    /// Keys of `PriceTable.sources`, or free text.
    public var source: [String]

    public init(location: String, kind: String? = nil, classes: [ClassPrices], source: [String] = []) {
        self.location = location.uppercased()
        self.kind = kind
        self.classes = classes
        self.source = source
    }

    /// The prices of a class here. The legacy classes REGIONAL and MULTI_REGIONAL
    /// are billed as STANDARD; DURABLE_REDUCED_AVAILABILITY has no price here.
    public func prices(_ storageClass: StorageClass) -> ClassPrices? {
        let billed: StorageClass
        switch storageClass {
        case .regional, .multiRegional: billed = .standard
        default: billed = storageClass
        }
        return classes.first { $0.storageClass == billed }
    }
}

/// What one storage class costs in one location.
public struct ClassPrices: Hashable, Sendable, Codable {
    public var storageClass: StorageClass
    /// At rest, per GiB and month.
    public var atRestPerGiBMonth: Double
    /// Per 1,000 Class A operations (insert, rewrite, copy, compose, list).
    public var classAPer1000: Double
    /// Per 1,000 Class B operations (get, metadata reads).
    public var classBPer1000: Double
    /// Per GiB read out of the class (NEARLINE, COLDLINE, ARCHIVE).
    public var retrievalPerGiB: Double
    /// Deleting, replacing or moving an object younger than this is billed as if
    /// it had stayed this long (0: no minimum).
    public var minimumDays: Int

    public init(storageClass: StorageClass, atRestPerGiBMonth: Double, classAPer1000: Double, classBPer1000: Double,
                retrievalPerGiB: Double, minimumDays: Int) {
        self.storageClass = storageClass
        self.atRestPerGiBMonth = atRestPerGiBMonth
        self.classAPer1000 = classAPer1000
        self.classBPer1000 = classBPer1000
        self.retrievalPerGiB = retrievalPerGiB
        self.minimumDays = minimumDays
    }
}

/// The price of moving bytes between two different locations of the lists.
public struct NetworkPrice: Hashable, Sendable, Codable {
    public var from: [String]
    public var to: [String]
    public var perGiB: Double
    public var source: [String]

    public init(from: [String], to: [String], perGiB: Double, source: [String] = []) {
        self.from = from.map { $0.uppercased() }
        self.to = to.map { $0.uppercased() }
        self.perGiB = perGiB
        self.source = source
    }

    func applies(from a: String, to b: String) -> Bool { from.contains(a) && to.contains(b) }
}
