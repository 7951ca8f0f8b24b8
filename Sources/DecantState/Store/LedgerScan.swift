import DecantCore

extension StateStore {
    /// The current copies of `sourceBucket` objects under `prefix`, one row at a time
    /// in the order of a listing (source name bytes, then generation, target bucket,
    /// target name), read a page at a time from the ledger's key index: a merge-join
    /// against a listing of any size holds one page in memory.
    public nonisolated func ledgerScan(sourceBucket: String, prefix: String = "", pageSize: Int = 5000) -> LedgerScan {
        LedgerScan(store: self, sourceBucket: sourceBucket, prefix: prefix, pageSize: max(1, pageSize))
    }
}

/// A stream of `LedgerEntry` in key order (`StateStore.ledgerScan`), with the two
/// moves a merge-join makes: the rows of one source name, and a jump forward.
public struct LedgerScan: AsyncSequence, Sendable {
    public typealias Element = LedgerEntry
    public typealias Failure = StateError

    let store: StateStore
    let sourceBucket: String
    let prefix: String
    let pageSize: Int

    public func makeAsyncIterator() -> Cursor {
        Cursor(store: store, sourceBucket: sourceBucket, prefix: prefix, pageSize: pageSize)
    }

    public struct Cursor: AsyncIteratorProtocol, Sendable {
        let store: StateStore
        let sourceBucket: String
        let prefix: String
        let pageSize: Int
        private var page: [LedgerEntry] = []
        private var position = 0
        /// Where the next page starts: after this key, at this name, or (both nil) at the prefix.
        private var after: PageCursor?
        private var from: String?
        private var exhausted = false
        /// Wall time spent waiting for pages.
        public private(set) var readingTime: Duration = .zero

        init(store: StateStore, sourceBucket: String, prefix: String, pageSize: Int) {
            self.store = store
            self.sourceBucket = sourceBucket
            self.prefix = prefix
            self.pageSize = pageSize
        }

        /// The next row without moving past it; nil at the end.
        public mutating func peek() async throws(StateError) -> LedgerEntry? {
            while position >= page.count {
                guard !exhausted else { return nil }
                let started = ContinuousClock.now
                let fetched = try await store.ledgerPage(sourceBucket: sourceBucket, prefix: prefix, after: after, from: from,
                                                         limit: pageSize)
                readingTime += ContinuousClock.now - started
                page = fetched.rows
                position = 0
                from = nil
                after = fetched.next
                exhausted = fetched.next == nil
            }
            return page[position]
        }

        public mutating func next() async throws(StateError) -> LedgerEntry? {
            let row = try await peek()
            if row != nil { position += 1 }
            return row
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(StateError) -> LedgerEntry? {
            try await next()
        }

        /// Every row for `sourceName` (one per generation and target), skipping the
        /// rows before it. Names must be asked for in ascending byte order.
        public mutating func entries(for sourceName: String) async throws(StateError) -> [LedgerEntry] {
            var out: [LedgerEntry] = []
            while let row = try await peek() {
                let order = ByteOrder.compare(row.sourceName, sourceName)
                if order > 0 { break }
                if order == 0 { out.append(row) }
                position += 1
            }
            return out
        }

        /// Moves to the first row whose source name is at or after `name`: within the
        /// page in memory when it is there, else by a new seek in the index (a
        /// listing that starts late, or a resumed run, skips what it does not need
        /// without reading it).
        public mutating func skip(to name: String) async throws(StateError) {
            // The page in memory reaches it (or it is behind: nothing to skip).
            if let last = page.last, ByteOrder.compare(last.sourceName, name) >= 0 {
                while position < page.count, ByteOrder.compare(page[position].sourceName, name) < 0 { position += 1 }
                return
            }
            page = []
            position = 0
            guard !exhausted else { return }
            after = nil
            from = name
        }
    }
}
