import DecantSQLite

/// The integer keys the ledger stores for bucket and migration names
/// (`ledger_buckets`, `ledger_migrations`), cached both ways: a ledger of millions
/// of copies names a handful of buckets, so each row carries small integers and
/// reading a row back shares one `String` per name instead of making one per row.
///
/// Owned by the `StateStore` actor and used only on it. A name's id never changes
/// and is never deleted, so the cache stays true; only ids made in a transaction
/// that is rolled back must be forgotten (`forgetUncommitted`).
final class LedgerNames {
    enum Kind {
        case bucket, migration

        var table: String { self == .bucket ? "ledger_buckets" : "ledger_migrations" }
    }

    private final class Table {
        var ids: [String: Int64] = [:]
        var names: [Int64: String] = [:]
        /// Ids inserted since the last commit.
        var uncommitted: [String] = []
    }

    private let buckets = Table()
    private let migrations = Table()

    /// The id of `name`, or nil when the ledger has never recorded it (then no row names it).
    func id(_ kind: Kind, _ name: String, in database: SQLiteDatabase) throws -> Int64? {
        if let id = table(kind).ids[name] { return id }
        guard let id = try database.scalarInt("SELECT id FROM \(kind.table) WHERE name = ?", [name]) else { return nil }
        remember(kind, name, id)
        return id
    }

    /// The id of `name`, recorded now if it is new. Inside a write transaction.
    func ensureID(_ kind: Kind, _ name: String, in database: SQLiteDatabase) throws -> Int64 {
        if let id = try id(kind, name, in: database) { return id }
        try database.run("INSERT INTO \(kind.table) (name) VALUES (?)", name)
        let id = database.lastInsertRowID
        remember(kind, name, id)
        table(kind).uncommitted.append(name)
        return id
    }

    /// The name of `id`; a row naming an id the table lacks means a damaged state.
    func name(_ kind: Kind, _ id: Int64, in database: SQLiteDatabase) throws -> String {
        if let name = table(kind).names[id] { return name }
        guard let name = try database.scalarText("SELECT name FROM \(kind.table) WHERE id = ?", [id]) else {
            throw StateError.corrupt(path: database.path, detail: "a ledger row names \(kind) \(id), which \(kind.table) does not hold")
        }
        remember(kind, name, id)
        return name
    }

    /// The ids made in a transaction that was rolled back are gone from the database.
    func forgetUncommitted() {
        for table in [buckets, migrations] {
            for name in table.uncommitted {
                if let id = table.ids.removeValue(forKey: name) { table.names[id] = nil }
            }
            table.uncommitted = []
        }
    }

    /// The ids made since the last commit are committed.
    func committed() {
        buckets.uncommitted = []
        migrations.uncommitted = []
    }

    private func table(_ kind: Kind) -> Table { kind == .bucket ? buckets : migrations }

    private func remember(_ kind: Kind, _ name: String, _ id: Int64) {
        let table = table(kind)
        table.ids[name] = id
        table.names[id] = name
    }
}
