import DecantCore
import DecantSQLite
import Foundation

/// One bucket of a `LocalStore`: its SQLite index and the files beside it.
///
/// Every change runs inside a `BEGIN IMMEDIATE` transaction, which is also the
/// lock that orders writers of this bucket across processes; the actor orders
/// them within one process and runs on a dispatch queue of its own, so blocking
/// SQLite and file-system calls never hold a thread of the cooperative pool.
actor LocalBucket {
    nonisolated let layout: BucketLayout
    let options: LocalStore.Options
    private let executor: QueueExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var database: SQLiteDatabase?
    /// The index file the connection was opened on: a bucket deleted (moved to the
    /// trash) by another process no longer has it at its path.
    private var identity: FileSystem.Identity?
    /// Markers of changes committed by this connection, removed after the commit.
    private var committedMarkers: [String] = []

    var name: String { layout.name }

    init(layout: BucketLayout, options: LocalStore.Options) {
        self.layout = layout
        self.options = options
        self.executor = QueueExecutor(label: "decant.local.\(layout.name)")
    }

    // MARK: - Connection

    /// The open index, or nil when the bucket does not exist (or no longer does).
    func index() throws(StoreError) -> SQLiteDatabase? {
        guard let status = FileSystem.status(layout.index), !status.isDirectory else {
            closeIndex()
            return nil
        }
        if let database, identity == status.identity { return database }
        closeIndex()
        do {
            let database = try SQLiteDatabase(path: layout.index)
            try database.migrate(IndexSchema.migrations)
            self.database = database
            identity = status.identity
            try removeStaleTemporaries()
            try transaction { _ throws(StoreError) in }
            return database
        } catch {
            closeIndex()
            throw StoreError.index(error, bucket: name, object: nil)
        }
    }

    func closeIndex() {
        database?.close()
        database = nil
        identity = nil
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction after repairing what a killed
    /// writer left behind; throws `notFound` when the bucket is gone.
    func transaction<T>(object: String? = nil, _ body: (SQLiteDatabase) throws(StoreError) -> T) throws(StoreError) -> T {
        guard let database = try existingIndex() else { throw .notFound(bucket: name, object: nil) }
        do {
            try database.execute("BEGIN IMMEDIATE")
        } catch {
            throw StoreError.index(error, bucket: name, object: object)
        }
        committedMarkers.removeAll()
        do {
            guard FileSystem.status(layout.index)?.identity == identity else {
                throw StoreError.notFound(bucket: name, object: nil)
            }
            try recoverPendingChanges(database)
            let value = try body(database)
            try database.execute("COMMIT")
            for marker in committedMarkers { try? FileSystem.remove(marker) }
            committedMarkers.removeAll()
            return value
        } catch {
            try? database.execute("ROLLBACK")
            committedMarkers.removeAll()
            if FileSystem.status(layout.index)?.identity != identity { closeIndex() }
            throw StoreError.index(error, bucket: name, object: object)
        }
    }

    /// `index()` without the open-time recovery recursion (used by `transaction`).
    private func existingIndex() throws(StoreError) -> SQLiteDatabase? {
        if let database, let identity, FileSystem.status(layout.index)?.identity == identity { return database }
        return try index()
    }

    // MARK: - Generations

    /// A generation for a new object: microseconds since the epoch, bumped past the
    /// last one handed out in this bucket so that generations only grow.
    func nextGeneration(_ database: SQLiteDatabase, now: Date) throws(StoreError) -> Int64 {
        let last = try sql { () throws -> Int64 in try database.scalarInt("SELECT last_generation FROM bucket") ?? 0 }
        let generation = max(Timestamp.micros(now), last + 1)
        try sql { try database.run("UPDATE bucket SET last_generation = ?", generation) }
        return generation
    }

    func sql<T>(object: String? = nil, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw StoreError.index(error, bucket: name, object: object)
        }
    }

    // MARK: - Pending changes

    /// Records a change about to touch files; removed once the change is committed.
    @discardableResult
    func writeMarker(_ change: PendingChange) throws(StoreError) -> String {
        let id = UUID().uuidString
        let partial = layout.pending + "/." + id
        let marker = layout.pending + "/" + id + ".json"
        do {
            let data = try JSONEncoder().encode(change)
            try FileSystem.createFile(partial, data, sync: options.syncWrites)
            try FileSystem.move(partial, marker)
        } catch {
            try? FileSystem.remove(partial)
            throw StoreError.index(error, bucket: name, object: change.name)
        }
        committedMarkers.append(marker)
        return marker
    }

    /// Forgets a marker whose change failed before touching any file.
    func discardMarker(_ marker: String) {
        try? FileSystem.remove(marker)
        committedMarkers.removeAll { $0 == marker }
    }

    /// Finishes or undoes the changes of writers that were killed mid-way. A write
    /// whose temporary file still exists never moved bytes: it is undone. One whose
    /// temporary file is gone was renamed into place: its row is applied, unless the
    /// index already holds that generation or a newer one. A delete is completed if
    /// the generation it removed is still there.
    private func recoverPendingChanges(_ database: SQLiteDatabase) throws(StoreError) {
        let entries = FileSystem.list(layout.pending)
        guard !entries.isEmpty else { return }
        for entry in entries {
            let path = layout.pending + "/" + entry
            if entry.hasPrefix(".") {
                try? FileSystem.remove(path)
                continue
            }
            guard let data = try? FileSystem.readAll(path),
                  let change = try? JSONDecoder().decode(PendingChange.self, from: data) else {
                try? FileSystem.remove(path)
                continue
            }
            try recover(change, database)
            try? FileSystem.remove(path)
        }
    }

    private func recover(_ change: PendingChange, _ database: SQLiteDatabase) throws(StoreError) {
        let current = try row(change.name, database)
        switch change.kind {
        case .write:
            guard let row = change.row else { return }
            if let temp = change.temp, FileSystem.exists(layout.absolute(temp)) {
                try? FileSystem.remove(layout.absolute(temp))
                return
            }
            if let current, current.generation >= change.generation { return }
            if let current, current.blob != row.blob { try? FileSystem.remove(layout.path(of: current)) }
            try upsert(row, database)
            try sql { try database.run("UPDATE bucket SET last_generation = MAX(last_generation, ?)", row.generation) }
        case .delete:
            guard let current, current.generation == change.generation else { return }
            try? removeFiles(of: current)
            try sql { try database.run("DELETE FROM objects WHERE name = ?", current.name) }
        }
    }

    /// Temporary files older than a day belong to writers that died before committing.
    private func removeStaleTemporaries() throws {
        let cutoff = Date().addingTimeInterval(-86_400)
        for entry in FileSystem.list(layout.temp) {
            let path = layout.temp + "/" + entry
            if let status = FileSystem.status(path), status.modified < cutoff { try? FileSystem.remove(path) }
        }
    }

    // MARK: - Rows

    func row(_ object: String, _ database: SQLiteDatabase) throws(StoreError) -> StoredObject? {
        try sql(object: object) { () throws -> StoredObject? in
            try database.query("SELECT \(StoredObject.columns) FROM objects WHERE name = ?", [object]) {
                StoredObject(row: $0)
            }.first
        }
    }

    func upsert(_ row: StoredObject, _ database: SQLiteDatabase) throws(StoreError) {
        try sql(object: row.name) {
            let statement = try database.prepare("""
                INSERT OR REPLACE INTO objects (\(StoredObject.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try statement.bind(row.bindings)
            try statement.runToEnd()
        }
    }

    /// Removes an object's file and the folders it leaves empty.
    func removeFiles(of object: StoredObject) throws(StoreError) {
        let path = layout.path(of: object)
        do {
            try FileSystem.remove(path)
        } catch {
            throw StoreError.file(error, bucket: name, object: object.name)
        }
        if object.blob == nil {
            FileSystem.removeEmptyDirectories(from: (path as NSString).deletingLastPathComponent, upTo: layout.directory)
        }
    }
}
