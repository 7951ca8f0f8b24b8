import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// Records copied (or adopted) objects in one transaction. Recording a copy that
    /// is already current with the same target generation changes nothing, so a run
    /// resumed after a crash can record a batch again; with another target
    /// generation (an allowed overwrite) the old row is marked superseded and a new
    /// one becomes current. Batches of 1,000–10,000 records suit it best; for more,
    /// see `recordVerifiedCopies`.
    @discardableResult
    public func recordCopies(_ records: [CopyRecord], serial: Int64) throws(StateError) -> CopyRecordingResult {
        try writeCopies(records[...], serial: serial)
    }

    /// Records `records` in one transaction.
    private func writeCopies(_ records: ArraySlice<CopyRecord>, serial: Int64) throws(StateError) -> CopyRecordingResult {
        let now = clock.now().milliseconds
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            var writer = try CopyWriter(database: database, names: names, serial: serial, now: now)
            for record in records { try writer.record(record) }
            return writer.result
        }
    }

    /// Records many copies that are verified already, the way another copy engine
    /// (a Storage Transfer Service job, checked against a listing of its target)
    /// reports them: in transactions of `transactionRows` rows, so that the
    /// write-ahead log stays bounded however many there are, through the same
    /// writer as `recordCopies` (the same answer to a copy recorded before).
    ///
    /// A copy without its verification is refused before anything is written. A
    /// failure leaves the transactions before it committed: recording the same
    /// copies again (a resumed run) records the rest and changes nothing else.
    ///
    /// Measured at a million rows, building the key index after the rows instead
    /// of with them saved nothing (sorting a million keys costs what inserting them
    /// in order does), so there is one index and one way in.
    @discardableResult
    public func recordVerifiedCopies(_ records: [CopyRecord], serial: Int64,
                                     transactionRows: Int = 100_000) throws(StateError) -> CopyRecordingResult {
        if let unverified = records.first(where: { $0.verification == nil }) { throw .unverifiedCopy(unverified.key) }
        return try recordCopies(records, serial: serial, transactionRows: transactionRows)
    }

    /// `recordCopies` in transactions of `transactionRows` rows: for a copy engine
    /// that reports many copies at once (a Storage Transfer Service job), verified or not.
    @discardableResult
    public func recordCopies(_ records: [CopyRecord], serial: Int64, transactionRows: Int) throws(StateError) -> CopyRecordingResult {
        var total = CopyRecordingResult()
        for start in stride(from: 0, to: records.count, by: max(1, transactionRows)) {
            let result = try writeCopies(records[start..<min(start + max(1, transactionRows), records.count)], serial: serial)
            total.inserted += result.inserted
            total.unchanged += result.unchanged
            total.superseded += result.superseded
        }
        return total
    }

    /// Marks current copies verified at `level` (never lowering an earlier, higher
    /// level). Returns how many rows were found.
    @discardableResult
    public func markVerified(_ keys: [CopyKey], level: VerifyLevel, serial: Int64) throws(StateError) -> Int {
        let verification = Verification(level: level, at: clock.now())
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            var ids = KeyIDs(names: names, database: database)
            var found = 0
            let update = try database.prepare("""
                UPDATE copies SET verify_level = ?, verified_ms = ?, verified_serial = ?
                WHERE \(Self.currentKeyFilter) AND verify_level <= ?
                """)
            for key in keys {
                guard let (source, target) = try ids.lookup(key) else { continue }
                try update.bind(Int64(verification.level.ledgerLevel), at: 1)
                try update.bind(verification.at.milliseconds, at: 2)
                try update.bind(serial, at: 3)
                try Self.bindKey(key, source: source, target: target, to: update, from: 4)
                try update.bind(Int64(verification.level.ledgerLevel), at: 9)
                try update.runToEnd()
                // Not changed: not recorded, or verified at a higher level already.
                if try database.changes == 1 || Self.currentCopy(key, source: source, target: target, in: database, names: names) != nil {
                    found += 1
                }
            }
            return found
        }
    }

    /// The current copy for `key`, verified or not.
    public func copy(_ key: CopyKey) throws(StateError) -> CopyRow? {
        try withDatabase { try Self.currentCopy(key, in: $0, names: names) }
    }

    /// A ledger row by id, current or not.
    public func copy(id: Int64) throws(StateError) -> CopyRow? {
        try withDatabase { database in
            let context = LedgerRowContext(names: names, database: database)
            return try database.query("SELECT \(Self.copyColumns) FROM copies WHERE id = ?", [id]) { try Self.copyRow($0, context) }.first
        }
    }

    /// Every copy of a source object (all generations), oldest first.
    public func copies(sourceBucket: String, sourceName: String, includeRemoved: Bool = false) throws(StateError) -> [CopyRow] {
        try withDatabase { database in
            guard let bucket = try names.id(.bucket, sourceBucket, in: database) else { return [] }
            let context = LedgerRowContext(names: names, database: database)
            return try database.query("""
                SELECT \(Self.copyColumns) FROM copies WHERE source_bucket_id = ? AND source_name = ?
                \(includeRemoved ? "" : "AND removed_serial IS NULL") ORDER BY id
                """, [bucket, sourceName]) { try Self.copyRow($0, context) }
        }
    }

    /// Every copy written to a target object, oldest first. The ledger keeps no index
    /// by target (nothing on the way of a plan, an apply or a rollback asks for one),
    /// so this reads every row: for tests and inspection.
    public func copies(targetBucket: String, targetName: String, includeRemoved: Bool = false) throws(StateError) -> [CopyRow] {
        try withDatabase { database in
            guard let bucket = try names.id(.bucket, targetBucket, in: database) else { return [] }
            let context = LedgerRowContext(names: names, database: database)
            return try database.query("""
                SELECT \(Self.copyColumns) FROM copies WHERE target_bucket_id = ? AND target_name = ?
                \(includeRemoved ? "" : "AND removed_serial IS NULL") ORDER BY id
                """, [bucket, targetName]) { try Self.copyRow($0, context) }
        }
    }

    /// Current verified copies of `sourceBucket` objects whose name starts with
    /// `prefix`, in byte order of (source name, generation, target bucket, target
    /// name) — the order of a GCS listing — so the planner can merge-join them
    /// against listings page by page.
    public nonisolated func verifiedCopies(sourceBucket: String, prefix: String = "", pageSize: Int = 1000) -> StatePages<CopyRow> {
        copies(sourceBucket: sourceBucket, prefix: prefix, verifiedOnly: true, pageSize: pageSize)
    }

    /// Like `verifiedCopies`, with unverified current copies too.
    public nonisolated func copies(sourceBucket: String, prefix: String = "", verifiedOnly: Bool,
                                   pageSize: Int = 1000) -> StatePages<CopyRow> {
        let limit = max(1, pageSize)
        return StatePages { cursor async throws(StateError) in
            try await self.sourcePage(bucket: sourceBucket, prefix: prefix, verifiedOnly: verifiedOnly, after: cursor, limit: limit,
                                      columns: Self.copyColumns, map: { row, context in try Self.copyRow(row, context) })
        }
    }

    /// What planning needs of the current copies of `sourceBucket` objects under
    /// `prefix`, in the same order as `copies(sourceBucket:…)`: a plan of a million
    /// objects reads half a million rows, and decoding a whole `CopyRow` for each
    /// was a third of its diffing time. `ledgerScan` reads the same rows one at a time.
    public nonisolated func ledgerEntries(sourceBucket: String, prefix: String = "", pageSize: Int = 5000) -> StatePages<LedgerEntry> {
        let limit = max(1, pageSize)
        return StatePages { cursor async throws(StateError) in
            try await self.ledgerPage(sourceBucket: sourceBucket, prefix: prefix, after: cursor, limit: limit)
        }
    }

    /// One page of `ledgerEntries` (or of a `LedgerScan`, which may start `from` a name inside the prefix).
    func ledgerPage(sourceBucket: String, prefix: String, after cursor: PageCursor?, from name: String? = nil,
                    limit: Int) throws(StateError) -> (rows: [LedgerEntry], next: PageCursor?) {
        try sourcePage(bucket: sourceBucket, prefix: prefix, verifiedOnly: false, after: cursor, from: name, limit: limit,
                       columns: LedgerEntry.columns, map: LedgerEntry.init(row:context:))
    }

    /// A page of current copies of one source bucket in key order, after `cursor`
    /// (a `.copyKey`), or from the source name `from`, or from the start of `prefix`.
    func sourcePage<Row: Sendable & SourceKeyed>(bucket: String, prefix: String, verifiedOnly: Bool, after cursor: PageCursor?,
                                                 from name: String? = nil, limit: Int, columns: String,
                                                 map: (SQLiteRow, LedgerRowContext) throws -> Row) throws(StateError) -> (rows: [Row], next: PageCursor?) {
        try withDatabase { database in
            guard let bucketID = try names.id(.bucket, bucket, in: database) else { return ([], nil) }
            var sql = "SELECT \(columns) FROM copies WHERE source_bucket_id = ? AND removed_serial IS NULL"
            var bindings: [any SQLiteBindable] = [bucketID]
            if verifiedOnly { sql += " AND verify_level > 0" }
            // The lower bound is the cursor when there is one (it is past the prefix's
            // start): with both, SQLite would seek to the prefix and skip every row
            // already streamed, on every page.
            if case .copyKey(let key)? = cursor {
                // A target bucket the ledger does not know sorts after every id it has.
                let target = try names.id(.bucket, key.targetBucket, in: database) ?? Int64.max
                sql += " AND (source_name, source_generation, target_bucket_id, target_name) > (?, ?, ?, ?)"
                bindings += [key.sourceName, key.sourceGeneration, target, key.targetName] as [any SQLiteBindable]
            } else if let start = [prefix, name ?? ""].max(by: ByteOrder.less), !start.isEmpty {
                sql += " AND source_name >= ?"
                bindings.append(start)
            }
            if let upper = ByteOrder.successor(ofPrefix: prefix) {
                sql += " AND source_name < ?"
                bindings.append(upper)
            }
            sql += " ORDER BY source_name, source_generation, target_bucket_id, target_name LIMIT ?"
            bindings.append(limit)
            let context = LedgerRowContext(names: names, database: database)
            let rows = try database.query(sql, bindings) { try map($0, context) }
            let next = rows.count == limit ? rows.last.map { PageCursor.copyKey($0.key(sourceBucket: bucket)) } : nil
            return (rows, next)
        }
    }

    /// `copies` columns in the order `copyRow` reads them.
    static let copyColumns = """
        id, source_bucket_id, source_name, source_generation, target_bucket_id, target_name, target_generation, \
        verify_level, verified_ms, verified_serial, migration_id, size, crc32c, md5, source_created_ms, adopted, \
        copied_ms, serial, removed_serial, removed_reason
        """

    /// Decodes `copyColumns` starting at column `offset`.
    static func copyRow(_ row: SQLiteRow, offset o: Int32 = 0, _ context: LedgerRowContext) throws -> CopyRow {
        let key = CopyKey(sourceBucket: try context.bucket(row.int(o + 1)), sourceName: row.text(o + 2) ?? "",
                          sourceGeneration: row.int(o + 3) ?? 0, targetBucket: try context.bucket(row.int(o + 4)),
                          targetName: row.text(o + 5) ?? "")
        let record = CopyRecord(key: key, migration: try context.migration(row.int(o + 10)),
                                content: ContentIdentity(size: row.int(o + 11) ?? 0, crc32c: row.text(o + 12), md5: row.text(o + 13)),
                                sourceCreated: row.int(o + 14).map(Date.init(milliseconds:)),
                                targetGeneration: row.int(o + 6) ?? 0, copiedAt: Date(milliseconds: row.int(o + 16) ?? 0),
                                adopted: row.int(o + 15) == 1,
                                verification: Verification(ledgerLevel: row.int(o + 7), at: row.int(o + 8)))
        return CopyRow(id: row.int(o) ?? 0, record: record, serial: row.int(o + 17) ?? 0, verifiedSerial: row.int(o + 9),
                       removedSerial: row.int(o + 18), removal: row.text(o + 19).flatMap(CopyRemoval.init(rawValue:)))
    }

    /// The five key columns of a current copy, bound from parameter `from` on.
    static let currentKeyFilter = """
        source_bucket_id = ? AND source_name = ? AND source_generation = ? AND target_bucket_id = ? AND target_name = ? \
        AND removed_serial IS NULL
        """

    static func bindKey(_ key: CopyKey, source: Int64, target: Int64, to statement: SQLiteStatement, from index: Int32) throws {
        try statement.bind(source, at: index)
        try statement.bind(key.sourceName, at: index + 1)
        try statement.bind(key.sourceGeneration, at: index + 2)
        try statement.bind(target, at: index + 3)
        try statement.bind(key.targetName, at: index + 4)
    }

    static func currentCopy(_ key: CopyKey, in database: SQLiteDatabase, names: LedgerNames) throws -> CopyRow? {
        var ids = KeyIDs(names: names, database: database)
        guard let (source, target) = try ids.lookup(key) else { return nil }
        return try currentCopy(key, source: source, target: target, in: database, names: names)
    }

    static func currentCopy(_ key: CopyKey, source: Int64, target: Int64, in database: SQLiteDatabase,
                            names: LedgerNames) throws -> CopyRow? {
        let select = try database.prepare("SELECT \(copyColumns) FROM copies WHERE \(currentKeyFilter)")
        try bindKey(key, source: source, target: target, to: select, from: 1)
        guard let row = try select.step() else { return nil }
        let copy = try copyRow(row, LedgerRowContext(names: names, database: database))
        select.reset()
        return copy
    }

    /// Raises current copies to `verification`'s level (never lowers one).
    static func verify(_ ids: [Int64], _ verification: Verification, serial: Int64, in database: SQLiteDatabase) throws {
        let level = Int64(verification.level.ledgerLevel)
        for id in ids {
            try database.run("""
                UPDATE copies SET verify_level = ?, verified_ms = ?, verified_serial = ? WHERE id = ? AND verify_level <= ?
                """, level, verification.at.milliseconds, serial, id, level)
        }
    }
}

/// The bucket ids of copy keys, remembered for the length of one call (a batch
/// names the same two buckets row after row).
struct KeyIDs {
    let names: LedgerNames
    let database: SQLiteDatabase
    private var source: (name: String, id: Int64)?
    private var target: (name: String, id: Int64)?

    init(names: LedgerNames, database: SQLiteDatabase) {
        self.names = names
        self.database = database
    }

    /// The ids of the key's buckets, or nil when the ledger knows either not (then it holds no such copy).
    mutating func lookup(_ key: CopyKey) throws -> (source: Int64, target: Int64)? {
        guard let source = try id(key.sourceBucket, &source), let target = try id(key.targetBucket, &target) else { return nil }
        return (source, target)
    }

    /// The ids of the key's buckets, recorded if new (inside a write transaction).
    mutating func ensure(_ key: CopyKey) throws -> (source: Int64, target: Int64) {
        (try ensured(key.sourceBucket, &source), try ensured(key.targetBucket, &target))
    }

    private func id(_ name: String, _ last: inout (name: String, id: Int64)?) throws -> Int64? {
        if let last, last.name == name { return last.id }
        guard let id = try names.id(.bucket, name, in: database) else { return nil }
        last = (name, id)
        return id
    }

    private func ensured(_ name: String, _ last: inout (name: String, id: Int64)?) throws -> Int64 {
        if let last, last.name == name { return last.id }
        let id = try names.ensureID(.bucket, name, in: database)
        last = (name, id)
        return id
    }
}

/// What decoding a ledger row needs: the names behind its ids.
struct LedgerRowContext {
    let names: LedgerNames
    let database: SQLiteDatabase

    func bucket(_ id: Int64?) throws -> String { try names.name(.bucket, id ?? 0, in: database) }
    func migration(_ id: Int64?) throws -> String { try names.name(.migration, id ?? 0, in: database) }
}

/// A row that knows its place in the ledger's source order.
protocol SourceKeyed {
    func key(sourceBucket: String) -> CopyKey
}

extension CopyRow: SourceKeyed {
    func key(sourceBucket: String) -> CopyKey { key }
}

extension LedgerEntry: SourceKeyed {
    static let columns = "source_name, source_generation, target_bucket_id, target_name, target_generation, verify_level, verified_ms"

    init(row: SQLiteRow, context: LedgerRowContext) throws {
        self.init(sourceName: row.text(0) ?? "", sourceGeneration: row.int(1) ?? 0, targetBucket: try context.bucket(row.int(2)),
                  targetName: row.text(3) ?? "", targetGeneration: row.int(4) ?? 0,
                  verification: Verification(ledgerLevel: row.int(5), at: row.int(6)))
    }

    func key(sourceBucket: String) -> CopyKey {
        CopyKey(sourceBucket: sourceBucket, sourceName: sourceName, sourceGeneration: sourceGeneration,
                targetBucket: targetBucket, targetName: targetName)
    }
}

extension VerifyLevel {
    /// The integer the ledger stores: 1 count, 2 size, 3 checksum (0 is "not verified").
    var ledgerLevel: Int {
        switch self {
        case .count: return 1
        case .size: return 2
        case .checksum: return 3
        }
    }

    init?(ledgerLevel: Int64) {
        switch ledgerLevel {
        case 1: self = .count
        case 2: self = .size
        case 3: self = .checksum
        default: return nil
        }
    }
}

extension Verification {
    /// The verification a ledger row's level and time describe; nil at level 0.
    init?(ledgerLevel: Int64?, at milliseconds: Int64?) {
        guard let level = ledgerLevel.flatMap(VerifyLevel.init(ledgerLevel:)) else { return nil }
        self.init(level: level, at: Date(milliseconds: milliseconds ?? 0))
    }
}
