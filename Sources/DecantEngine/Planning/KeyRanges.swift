import DecantCore
import DecantStorage

/// A part of a bucket's name space to list: names under `base`, minus some
/// sub-prefixes, optionally bounded to `[lower, upper)` (full names). Lists as a
/// sequence of offset-bounded listings so that excluded folders are not read on
/// stores that honour offsets; names are filtered again on the client for stores
/// that do not.
struct KeySpace: Sendable {
    var bucket: String
    var base: String
    var excluded: [String]
    var lower: String?
    var upper: String?

    func contains(_ name: String) -> Bool {
        guard ByteOrder.hasPrefix(name, base) else { return false }
        if let lower, ByteOrder.compare(name, lower) < 0 { return false }
        if let upper, ByteOrder.compare(name, upper) >= 0 { return false }
        return !excluded.contains { ByteOrder.hasPrefix(name, $0) }
    }

    /// The disjoint, increasing `[start, end)` ranges to list.
    var ranges: [(start: String?, end: String?)] {
        var out: [(String?, String?)] = []
        var start: String? = lower
        for prefix in excluded.sorted(by: ByteOrder.less) {
            // Skip excluded folders wholly below the start.
            if let s = start, let after = ByteOrder.successor(ofPrefix: prefix), ByteOrder.compare(after, s) <= 0 { continue }
            if let upper, ByteOrder.compare(prefix, upper) >= 0 { break }
            if start == nil || ByteOrder.compare(prefix, start!) > 0 { out.append((start, prefix)) }
            guard let after = ByteOrder.successor(ofPrefix: prefix) else { return out }
            start = after
        }
        out.append((start, upper))
        return out
    }
}

/// Reads a `KeySpace` object by object, in byte order, with one page in memory.
struct ObjectCursor {
    private let store: any ObjectStore
    private let space: KeySpace
    private var ranges: [(start: String?, end: String?)]
    private var iterator: ObjectPages.AsyncIterator?
    private var current: (start: String?, end: String?) = (nil, nil)
    private var buffer: [ObjectRecord] = []
    private var position = 0
    private(set) var listed = 0
    /// Wall time spent waiting for listing pages.
    private(set) var listingTime: Duration = .zero

    init(store: any ObjectStore, space: KeySpace) {
        self.store = store
        self.space = space
        self.ranges = space.ranges
    }

    /// The next object without consuming it.
    mutating func peek() async throws(StoreError) -> ObjectRecord? {
        while position >= buffer.count {
            guard try await fill() else { return nil }
        }
        return buffer[position]
    }

    /// Moves past the object `peek` returned.
    mutating func advance() {
        position += 1
    }

    private mutating func fill() async throws(StoreError) -> Bool {
        while true {
            if iterator == nil {
                guard !ranges.isEmpty else { return false }
                let range = ranges.removeFirst()
                current = range
                let options = ListOptions(prefix: space.base, startOffset: range.start, endOffset: range.end)
                iterator = store.listObjects(space.bucket, options).makeAsyncIterator()
            }
            let started = ContinuousClock.now
            let fetched = try await iterator?.next()
            listingTime += ContinuousClock.now - started
            guard let page = fetched else {
                iterator = nil
                continue
            }
            listed += page.objects.count
            // Stores that ignore offsets return the whole prefix: bound it here too.
            let (start, end) = current
            buffer = page.objects.filter { record in
                if let start, ByteOrder.compare(record.name, start) < 0 { return false }
                if let end, ByteOrder.compare(record.name, end) >= 0 { return false }
                return space.contains(record.name)
            }
            position = 0
            if !buffer.isEmpty { return true }
        }
    }
}
