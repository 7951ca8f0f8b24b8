/// Where a paged query resumes: after a copy key (sorted by source name) or after
/// a row id (newest first).
public enum PageCursor: Hashable, Sendable {
    case copyKey(CopyKey)
    case id(Int64)
}

/// Rows of a large query, one page per step, fetched from the `StateStore` actor
/// with keyset pagination: no SQLite statement and no more than one page is held
/// between steps, so a million-row ledger streams in constant memory.
public struct StatePages<Row: Sendable>: AsyncSequence, Sendable {
    public typealias Element = [Row]
    public typealias Failure = StateError

    /// Fetches the page after `cursor` (nil: the first) and the cursor of its last row.
    public typealias Fetch = @Sendable (_ after: PageCursor?) async throws(StateError) -> (rows: [Row], next: PageCursor?)

    private let fetch: Fetch

    public init(_ fetch: @escaping Fetch) {
        self.fetch = fetch
    }

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let fetch: Fetch
        var cursor: PageCursor?
        var finished = false

        public mutating func next() async throws(StateError) -> [Row]? {
            guard !finished else { return nil }
            let page = try await fetch(cursor)
            cursor = page.next
            if page.next == nil { finished = true }
            return page.rows.isEmpty ? nil : page.rows
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(StateError) -> [Row]? {
            try await next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(fetch: fetch) }

    /// Every row in one array (tests and small queries only).
    public func all() async throws(StateError) -> [Row] {
        var out: [Row] = []
        var iterator = makeAsyncIterator()
        while let page = try await iterator.next() { out += page }
        return out
    }
}
