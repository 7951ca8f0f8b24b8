import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// Records copied (or adopted) objects in one transaction. Recording a copy that
    /// is already current with the same target generation changes nothing, so a run
    /// resumed after a crash can record a batch again; with another target
    /// generation (an allowed overwrite) the old row is marked superseded and a new
    /// one becomes current. Batches of 1,000–10,000 records suit it best.
    @discardableResult
    public func recordCopies(_ records: [CopyRecord], serial: Int64) throws(StateError) -> CopyRecordingResult {
        let now = clock.now().milliseconds
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            var result = CopyRecordingResult()
            let insert = try database.prepare(Self.insertCopySQL + " ON CONFLICT (source_bucket, source_name, source_generation, target_bucket, target_name) WHERE removed_serial IS NULL DO NOTHING")
            // Once the ledger holds a target, no intent on it stays open.
            let intents = try database.scalarInt("SELECT EXISTS (SELECT 1 FROM copy_intents)") == 1
            // A batch comes from one listing range, so its inserts touch few index
            // pages in any order; sorting cost more than the locality it bought.
            for record in records {
                if intents { try Self.closeCopyIntents(targetBucket: record.key.targetBucket, targetName: record.key.targetName, in: database) }
                try Self.bindCopy(record, serial: serial, to: insert)
                try insert.runToEnd()
                if database.changes == 1 {
                    result.inserted += 1
                    continue
                }
                guard let existing = try Self.currentCopy(record.key, in: database) else {
                    throw StateError.corrupt(path: database.path, detail: "a copy conflicts with no current row")
                }
                if existing.record.targetGeneration == record.targetGeneration {
                    if let verification = record.verification {
                        try Self.verify([existing.id], verification, serial: serial, in: database)
                    }
                    result.unchanged += 1
                } else {
                    try database.run("""
                        UPDATE copies SET removed_serial = ?, removed_ms = ?, removed_reason = 'superseded' WHERE id = ?
                        """, serial, now, existing.id)
                    let replacement = try database.prepare(Self.insertCopySQL)
                    try Self.bindCopy(record, serial: serial, to: replacement)
                    try replacement.runToEnd()
                    result.superseded += 1
                }
            }
            return result
        }
    }

    /// Marks current copies verified at `level` (never lowering an earlier, higher
    /// level). Returns how many rows were found.
    @discardableResult
    public func markVerified(_ keys: [CopyKey], level: VerifyLevel, serial: Int64) throws(StateError) -> Int {
        let verification = Verification(level: level, at: clock.now())
        return try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            var found = 0
            for key in keys {
                guard let row = try Self.currentCopy(key, in: database) else { continue }
                try Self.verify([row.id], verification, serial: serial, in: database)
                found += 1
            }
            return found
        }
    }

    /// The current copy for `key`, verified or not.
    public func copy(_ key: CopyKey) throws(StateError) -> CopyRow? {
        try withDatabase { try Self.currentCopy(key, in: $0) }
    }

    /// A ledger row by id, current or not.
    public func copy(id: Int64) throws(StateError) -> CopyRow? {
        try withDatabase { try $0.query("SELECT \(Self.copyColumns) FROM copies WHERE id = ?", [id]) { Self.copyRow($0) }.first }
    }

    /// Every copy of a source object (all generations), oldest first.
    public func copies(sourceBucket: String, sourceName: String, includeRemoved: Bool = false) throws(StateError) -> [CopyRow] {
        try withDatabase { database in
            try database.query("""
                SELECT \(Self.copyColumns) FROM copies WHERE source_bucket = ? AND source_name = ?
                \(includeRemoved ? "" : "AND removed_serial IS NULL") ORDER BY id
                """, [sourceBucket, sourceName]) { Self.copyRow($0) }
        }
    }

    /// Every copy written to a target object, oldest first.
    public func copies(targetBucket: String, targetName: String, includeRemoved: Bool = false) throws(StateError) -> [CopyRow] {
        try withDatabase { database in
            try database.query("""
                SELECT \(Self.copyColumns) FROM copies WHERE target_bucket = ? AND target_name = ?
                \(includeRemoved ? "" : "AND removed_serial IS NULL") ORDER BY id
                """, [targetBucket, targetName]) { Self.copyRow($0) }
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
                                      columns: Self.copyColumns, map: { Self.copyRow($0) }, key: \.key)
        }
    }

    /// What planning needs of the current copies of `sourceBucket` objects under
    /// `prefix`, in the same order as `copies(sourceBucket:…)`: a plan of a million
    /// objects reads half a million rows, and decoding a whole `CopyRow` for each
    /// was a third of its diffing time.
    public nonisolated func ledgerEntries(sourceBucket: String, prefix: String = "", pageSize: Int = 5000) -> StatePages<LedgerEntry> {
        let limit = max(1, pageSize)
        return StatePages { cursor async throws(StateError) in
            try await self.sourcePage(bucket: sourceBucket, prefix: prefix, verifiedOnly: false, after: cursor, limit: limit,
                                      columns: LedgerEntry.columns, map: LedgerEntry.init(row:),
                                      key: { CopyKey(sourceBucket: sourceBucket, sourceName: $0.sourceName, sourceGeneration: $0.sourceGeneration,
                                                     targetBucket: $0.targetBucket, targetName: $0.targetName) })
        }
    }

    func sourcePage<Row>(bucket: String, prefix: String, verifiedOnly: Bool, after cursor: PageCursor?, limit: Int,
                         columns: String, map: (SQLiteRow) -> Row, key: (Row) -> CopyKey) throws(StateError) -> (rows: [Row], next: PageCursor?) {
        var sql = "SELECT \(columns) FROM copies WHERE source_bucket = ? AND removed_serial IS NULL"
        var bindings: [any SQLiteBindable] = [bucket]
        if verifiedOnly { sql += " AND verified = 1" }
        // The lower bound is the cursor when there is one (it is past the prefix's
        // start): with both, SQLite would seek to the prefix and skip every row
        // already streamed, on every page.
        if case .copyKey(let key)? = cursor {
            sql += " AND (source_name, source_generation, target_bucket, target_name) > (?, ?, ?, ?)"
            bindings += [key.sourceName, key.sourceGeneration, key.targetBucket, key.targetName] as [any SQLiteBindable]
        } else if !prefix.isEmpty {
            sql += " AND source_name >= ?"
            bindings.append(prefix)
        }
        if let upper = ByteOrder.successor(ofPrefix: prefix) {
            sql += " AND source_name < ?"
            bindings.append(upper)
        }
        sql += " ORDER BY source_name, source_generation, target_bucket, target_name LIMIT ?"
        bindings.append(limit)
        let rows = try withDatabase { try $0.query(sql, bindings) { map($0) } }
        return (rows, rows.count == limit ? rows.last.map { .copyKey(key($0)) } : nil)
    }

    static let copyColumns = """
        id, migration, source_bucket, source_name, source_generation, size, crc32c, md5, source_created_ms, \
        target_bucket, target_name, target_generation, adopted, verified, verified_ms, verify_level, verified_serial, \
        copied_ms, serial, removed_serial, removed_reason
        """

    /// Decodes `copyColumns` starting at column `offset`.
    static func copyRow(_ row: SQLiteRow, offset: Int32 = 0) -> CopyRow {
        let o = offset
        let key = CopyKey(sourceBucket: row.text(o + 2) ?? "", sourceName: row.text(o + 3) ?? "",
                          sourceGeneration: row.int(o + 4) ?? 0, targetBucket: row.text(o + 9) ?? "",
                          targetName: row.text(o + 10) ?? "")
        var verification: Verification?
        if row.int(o + 13) == 1, let level = row.text(o + 15).flatMap(VerifyLevel.init(rawValue:)) {
            verification = Verification(level: level, at: Date(milliseconds: row.int(o + 14) ?? 0))
        }
        let record = CopyRecord(key: key, migration: row.text(o + 1) ?? "",
                                content: ContentIdentity(size: row.int(o + 5) ?? 0, crc32c: row.text(o + 6), md5: row.text(o + 7)),
                                sourceCreated: row.int(o + 8).map(Date.init(milliseconds:)),
                                targetGeneration: row.int(o + 11) ?? 0, copiedAt: Date(milliseconds: row.int(o + 17) ?? 0),
                                adopted: row.int(o + 12) == 1, verification: verification)
        return CopyRow(id: row.int(o) ?? 0, record: record, serial: row.int(o + 18) ?? 0, verifiedSerial: row.int(o + 16),
                       removedSerial: row.int(o + 19), removal: row.text(o + 20).flatMap(CopyRemoval.init(rawValue:)))
    }

    static func currentCopy(_ key: CopyKey, in database: SQLiteDatabase) throws -> CopyRow? {
        try database.query("""
            SELECT \(copyColumns) FROM copies
            WHERE source_bucket = ? AND source_name = ? AND source_generation = ? AND target_bucket = ? AND target_name = ?
              AND removed_serial IS NULL
            """, [key.sourceBucket, key.sourceName, key.sourceGeneration, key.targetBucket, key.targetName]) { copyRow($0) }.first
    }

    static func verify(_ ids: [Int64], _ verification: Verification, serial: Int64, in database: SQLiteDatabase) throws {
        for id in ids {
            try database.run("""
                UPDATE copies SET verified = 1, verified_ms = ?, verify_level = ?, verified_serial = ?
                WHERE id = ? AND (verified = 0 OR \(levelRank("verify_level")) <= ?)
                """, verification.at.milliseconds, verification.level.rawValue, serial, id, levelRank(verification.level))
        }
    }

    static func levelRank(_ column: String) -> String {
        "(CASE \(column) WHEN 'count' THEN 1 WHEN 'size' THEN 2 WHEN 'checksum' THEN 3 ELSE 0 END)"
    }

    static func levelRank(_ level: VerifyLevel) -> Int {
        switch level {
        case .count: return 1
        case .size: return 2
        case .checksum: return 3
        }
    }

    static let insertCopySQL = """
        INSERT INTO copies (migration, source_bucket, source_name, source_generation, size, crc32c, md5, source_created_ms,
                            target_bucket, target_name, target_generation, adopted, verified, verified_ms, verify_level,
                            verified_serial, copied_ms, serial)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// A copy's 18 insert values, bound one by one without boxing: recording a
    /// million copies binds 18 million values.
    static func bindCopy(_ record: CopyRecord, serial: Int64, to statement: SQLiteStatement) throws(SQLiteError) {
        let key = record.key
        let verification = record.verification
        func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
        func int(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }
        let values: [SQLiteValue] = [
            .text(record.migration), .text(key.sourceBucket), .text(key.sourceName), .integer(key.sourceGeneration),
            .integer(record.content.size), text(record.content.crc32c), text(record.content.md5), int(record.sourceCreated?.milliseconds),
            .text(key.targetBucket), .text(key.targetName), .integer(record.targetGeneration), .integer(record.adopted ? 1 : 0),
            .integer(verification != nil ? 1 : 0), int(verification?.at.milliseconds), text(verification?.level.rawValue),
            int(verification == nil ? nil : serial), .integer(record.copiedAt.milliseconds), .integer(serial),
        ]
        for (i, value) in values.enumerated() { try statement.bind(value, at: Int32(i + 1)) }
    }

}

extension LedgerEntry {
    static let columns = "source_name, source_generation, target_bucket, target_name, target_generation, verified, verified_ms, verify_level"

    init(row: SQLiteRow) {
        var verification: Verification?
        if row.int(5) == 1, let level = row.text(7).flatMap(VerifyLevel.init(rawValue:)) {
            verification = Verification(level: level, at: Date(milliseconds: row.int(6) ?? 0))
        }
        self.init(sourceName: row.text(0) ?? "", sourceGeneration: row.int(1) ?? 0, targetBucket: row.text(2) ?? "",
                  targetName: row.text(3) ?? "", targetGeneration: row.int(4) ?? 0, verification: verification)
    }
}
