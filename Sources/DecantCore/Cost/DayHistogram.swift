import Foundation

/// Object counts and bytes in bins of (storage class, two days, lifecycle rule
/// mask), added to as a listing streams by: what the cost model needs from
/// millions of objects, in memory bounded by the number of distinct days rather
/// than the number of objects.
///
/// Objects of one folder tend to share their days, so the last bin is kept aside
/// and only written to the table when the key changes: most adds are two
/// comparisons and two additions.
public struct DayHistogram: Sendable {
    public struct Key: Hashable, Sendable {
        /// The object's own class; nil when the listing did not say (the bucket's default).
        public var storageClass: StorageClass?
        /// Days since 1970-01-01 UTC; what the day means depends on the histogram.
        public var day: Int?
        public var secondDay: Int?
        /// Bit i: the name conditions of lifecycle rule i hold.
        public var mask: UInt32

        public init(storageClass: StorageClass? = nil, day: Int? = nil, secondDay: Int? = nil, mask: UInt32 = 0) {
            self.storageClass = storageClass
            self.day = day
            self.secondDay = secondDay
            self.mask = mask
        }
    }

    public struct Bin: Hashable, Sendable {
        public var objects = 0
        public var bytes: Int64 = 0
        /// Objects of 128 KiB or more (what Autoclass charges its fee on).
        public var large = 0

        public init(objects: Int = 0, bytes: Int64 = 0, large: Int = 0) {
            self.objects = objects
            self.bytes = bytes
            self.large = large
        }

        mutating func add(_ other: Bin) {
            objects += other.objects
            bytes += other.bytes
            large += other.large
        }

        public var gib: Double { Double(bytes) / 1_073_741_824 }
    }

    /// The key packed in two integers: cheap to compare and to hash.
    struct Packed: Hashable, Comparable {
        var days: UInt64
        var mask: UInt32

        static func < (a: Packed, b: Packed) -> Bool { (a.days, a.mask) < (b.days, b.mask) }
    }

    private var bins: [Packed: Bin] = [:]
    private var pendingKey = Packed(days: .max, mask: 0)
    private var pending = Bin()

    public init() {}

    public mutating func add(storageClass: StorageClass?, day: Int?, secondDay: Int? = nil, mask: UInt32 = 0, size: Int64) {
        let key = Packed(days: Self.pack(storageClass, day, secondDay), mask: mask)
        if key != pendingKey {
            flush()
            pendingKey = key
        }
        pending.objects += 1
        pending.bytes += size
        if size >= 131_072 { pending.large += 1 }
    }

    public mutating func add(_ key: Key, _ bin: Bin) {
        guard bin.objects > 0 else { return }
        flush()
        bins[Packed(days: Self.pack(key.storageClass, key.day, key.secondDay), mask: key.mask), default: Bin()].add(bin)
    }

    public mutating func merge(_ other: DayHistogram) {
        for (key, bin) in other.entries { add(key, bin) }
    }

    private mutating func flush() {
        guard pending.objects > 0 else { return }
        bins[pendingKey, default: Bin()].add(pending)
        pending = Bin()
    }

    /// Every bin, in a fixed order (sums over them are the same from run to run).
    public var entries: [(key: Key, bin: Bin)] {
        var all = bins
        if pending.objects > 0 { all[pendingKey, default: Bin()].add(pending) }
        return all.sorted { $0.key < $1.key }.map { (Self.unpack($0.key), $0.value) }
    }

    public var total: Bin {
        var t = pending
        for bin in bins.values { t.add(bin) }
        return t
    }

    public var isEmpty: Bool { pending.objects == 0 && bins.isEmpty }

    // MARK: - Days

    /// Whole days since 1970-01-01 UTC.
    public static func day(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    public static func day(_ date: Date?) -> Int? { date.map(day) }

    public static func date(ofDay day: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(day) * 86_400) }

    // MARK: - Packing

    static let dayBits: UInt64 = 30
    static let dayOffset = 1 << 28

    static func pack(_ storageClass: StorageClass?, _ day: Int?, _ secondDay: Int?) -> UInt64 {
        func field(_ d: Int?) -> UInt64 {
            guard let d else { return 0 }
            return UInt64(min(max(d + dayOffset, 1), (1 << 30) - 1))
        }
        return UInt64(classCode(storageClass)) | field(day) << 4 | field(secondDay) << (4 + dayBits)
    }

    static func unpack(_ packed: Packed) -> Key {
        let mask30: UInt64 = (1 << 30) - 1
        func field(_ v: UInt64) -> Int? { v == 0 ? nil : Int(v) - dayOffset }
        return Key(storageClass: classes[Int(packed.days & 0xF)], day: field((packed.days >> 4) & mask30),
                   secondDay: field((packed.days >> (4 + dayBits)) & mask30), mask: packed.mask)
    }

    static let classes: [StorageClass?] = [nil, .standard, .nearline, .coldline, .archive, .multiRegional, .regional,
                                           .durableReducedAvailability]

    static func classCode(_ storageClass: StorageClass?) -> Int {
        switch storageClass {
        case nil: return 0
        case .standard: return 1
        case .nearline: return 2
        case .coldline: return 3
        case .archive: return 4
        case .multiRegional: return 5
        case .regional: return 6
        case .durableReducedAvailability: return 7
        }
    }
}
