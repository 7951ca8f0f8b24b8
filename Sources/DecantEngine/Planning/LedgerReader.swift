import DecantCore
import DecantState

/// Reads the ledger's copies of one source prefix row by row, in source-name byte
/// order (the order of listings), one page in memory.
struct LedgerCursor {
    private var iterator: StatePages<LedgerEntry>.AsyncIterator?
    private var buffer: [LedgerEntry] = []
    private var position = 0
    /// Wall time spent waiting for ledger pages.
    private(set) var readingTime: Duration = .zero

    init(state: StateStore?, bucket: String, prefix: String) {
        iterator = state?.ledgerEntries(sourceBucket: bucket, prefix: prefix, pageSize: 5000).makeAsyncIterator()
    }

    private mutating func peek() async throws -> LedgerEntry? {
        while position >= buffer.count {
            let started = ContinuousClock.now
            let fetched = try await iterator?.next()
            readingTime += ContinuousClock.now - started
            guard let page = fetched else {
                iterator = nil
                return nil
            }
            buffer = page
            position = 0
        }
        return buffer[position]
    }

    /// Every current row for `sourceName`, skipping rows before it.
    mutating func rows(for sourceName: String) async throws -> [LedgerEntry] {
        var out: [LedgerEntry] = []
        while let row = try await peek() {
            let c = ByteOrder.compare(row.sourceName, sourceName)
            if c > 0 { break }
            if c == 0 { out.append(row) }
            position += 1
        }
        return out
    }
}

extension LedgerEntry {
    /// Verified at the checksum level: the only kind that allows deleting the source.
    var isChecksumVerified: Bool { verification?.level == .checksum }
}

extension CopyRow {
    /// Verified at the checksum level: the only kind that allows deleting the source.
    var isChecksumVerified: Bool { record.verification?.level == .checksum }
}
