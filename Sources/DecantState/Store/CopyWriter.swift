import DecantCore
import DecantSQLite

/// Records copies row by row inside one write transaction: the shared body of
/// `recordCopies` and `recordCopies(bulk:)`. A million rows go through `record`,
/// so it binds each value directly and looks bucket and migration ids up once
/// per change of name.
struct CopyWriter {
    private let database: SQLiteDatabase
    private let names: LedgerNames
    private let serial: Int64
    private let now: Int64
    private let insert: SQLiteStatement
    private var ids: KeyIDs
    private var migration: (name: String, id: Int64)?
    /// Whether any copy intent is open: once the ledger holds a target, no intent on it stays open.
    private let intentsOpen: Bool
    private(set) var result = CopyRecordingResult()

    init(database: SQLiteDatabase, names: LedgerNames, serial: Int64, now: Int64) throws {
        self.database = database
        self.names = names
        self.serial = serial
        self.now = now
        insert = try database.prepare(Self.insertSQL + " ON CONFLICT (\(Self.keyColumns)) WHERE removed_serial IS NULL DO NOTHING")
        ids = KeyIDs(names: names, database: database)
        intentsOpen = try database.scalarInt("SELECT EXISTS (SELECT 1 FROM copy_intents)") == 1
    }

    /// Records one copy: a new current row, nothing (recorded already, perhaps
    /// verified now), or a new row superseding one with another target generation.
    mutating func record(_ record: CopyRecord) throws {
        let key = record.key
        if intentsOpen { try StateStore.closeCopyIntents(targetBucket: key.targetBucket, targetName: key.targetName, in: database) }
        let (source, target) = try ids.ensure(key)
        try bind(record, source: source, target: target, to: insert)
        try insert.runToEnd()
        if database.changes == 1 {
            result.inserted += 1
            return
        }
        guard let existing = try StateStore.currentCopy(key, source: source, target: target, in: database, names: names) else {
            throw StateError.corrupt(path: database.path, detail: "a copy conflicts with no current row")
        }
        if existing.record.targetGeneration == record.targetGeneration {
            if let verification = record.verification {
                try StateStore.verify([existing.id], verification, serial: serial, in: database)
            }
            result.unchanged += 1
        } else {
            try database.run("""
                UPDATE copies SET removed_serial = ?, removed_ms = ?, removed_reason = 'superseded' WHERE id = ?
                """, serial, now, existing.id)
            let replacement = try database.prepare(Self.insertSQL)
            try bind(record, source: source, target: target, to: replacement)
            try replacement.runToEnd()
            result.superseded += 1
        }
    }

    private mutating func migrationID(_ name: String) throws -> Int64 {
        if let migration, migration.name == name { return migration.id }
        let id = try names.ensureID(.migration, name, in: database)
        migration = (name, id)
        return id
    }

    /// A copy's 17 values, in `insertSQL`'s order.
    private mutating func bind(_ record: CopyRecord, source: Int64, target: Int64, to statement: SQLiteStatement) throws {
        let key = record.key
        let verification = record.verification
        try statement.bind(source, at: 1)
        try statement.bind(key.sourceName, at: 2)
        try statement.bind(key.sourceGeneration, at: 3)
        try statement.bind(target, at: 4)
        try statement.bind(key.targetName, at: 5)
        try statement.bind(record.targetGeneration, at: 6)
        try statement.bind(Int64(verification?.level.ledgerLevel ?? 0), at: 7)
        try statement.bind(verification?.at.milliseconds, at: 8)
        try statement.bind(verification == nil ? nil : serial, at: 9)
        try statement.bind(try migrationID(record.migration), at: 10)
        try statement.bind(record.content.size, at: 11)
        try statement.bind(record.content.crc32c, at: 12)
        try statement.bind(record.content.md5, at: 13)
        try statement.bind(record.sourceCreated?.milliseconds, at: 14)
        try statement.bind(record.adopted ? 1 : 0, at: 15)
        try statement.bind(record.copiedAt.milliseconds, at: 16)
        try statement.bind(serial, at: 17)
    }

    static let keyColumns = "source_bucket_id, source_name, source_generation, target_bucket_id, target_name"

    static let insertSQL = """
        INSERT INTO copies (\(keyColumns), target_generation, verify_level, verified_ms, verified_serial, migration_id, size,
                            crc32c, md5, source_created_ms, adopted, copied_ms, serial)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
}
