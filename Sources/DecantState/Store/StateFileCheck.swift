import DecantSQLite
import Foundation

/// Tells a decant state from whatever else may sit at a state's path: an empty file
/// (`: > state/dev.db`, a failed copy), another program's file, a damaged database.
/// Each is refused with the location and what to do; none is ever taken for a new
/// state (DESIGN.md §4 invariant 5: what decant wrote stays decant's).
enum StateFileCheck {
    static let foreign = "it is a SQLite database, but not one decant wrote (no decant lineage in it)"

    /// Whether something stands at a state's path: false only when nothing does (the
    /// environment was never applied). A symbolic link to a missing file is not
    /// "never applied" (a moved disk, a broken deploy): it is refused here, for
    /// every command that reads or writes the state.
    static func exists(path: String, location: String) throws(StateError) -> Bool {
        if FileManager.default.fileExists(atPath: path) { return true }
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
            throw .notADecantState(location: location, problem: "it is a symbolic link to a file that does not exist")
        }
        return false
    }

    /// Throws unless the file at `path` is non-empty and starts like a SQLite database.
    static func requireDecantState(path: String, location: String) throws(StateError) {
        let size = fileSize(path)
        if size == 0 && fileSize(path + "-wal") == 0 {
            throw .notADecantState(location: location, problem: "the file is empty")
        }
        guard size >= 16 else {
            throw .notADecantState(location: location, problem: "it is not a SQLite database (\(size) bytes)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: location, detail: "cannot read the state file (check its permissions)")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        guard header == Data("SQLite format 3\0".utf8) else {
            throw .notADecantState(location: location, problem: "it is not a SQLite database")
        }
    }

    /// Throws unless the database at `path`, opened read-only, holds a decant lineage.
    static func requireLineage(path: String, location: String) throws(StateError) {
        var options = SQLiteDatabase.Options()
        options.readOnly = true
        options.walMode = false
        do {
            let database = try SQLiteDatabase(path: path, options: options)
            defer { database.close() }
            guard try lineage(of: database) != nil else { throw StateError.notADecantState(location: location, problem: foreign) }
        } catch {
            throw explain(error, location: location)
        }
    }

    /// The lineage of a decant state; nil when the database was not made by decant.
    static func lineage(of database: SQLiteDatabase) throws -> String? {
        let tables = Set(try database.query("SELECT name FROM sqlite_master WHERE type = 'table'") { $0.text(0) ?? "" })
        guard tables.isSuperset(of: ["meta", "schema_migrations", "runs"]) else { return nil }
        return try database.scalarText("SELECT value FROM meta WHERE key = 'lineage'")
    }

    /// A SQLite error met while opening, with the location and what it means.
    static func explain(_ error: any Error, location: String) -> StateError {
        if let error = error as? StateError { return error }
        guard let error = error as? SQLiteError else { return .io(path: location, detail: String(describing: error)) }
        if error.isNotADatabase { return .notADecantState(location: location, problem: "it is not a SQLite database") }
        if error.isCorrupt { return .damaged(location: location, detail: error.message) }
        return .database(error)
    }

    /// The size of the file at `path` (through a symbolic link), 0 when there is none.
    static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}
