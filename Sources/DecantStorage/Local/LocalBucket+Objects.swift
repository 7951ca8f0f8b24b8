import DecantCore
import DecantSQLite
import Foundation

/// What a new object is made of, before its generation and place are known.
struct NewObject: Sendable {
    var name: String
    var size: Int64
    var crc32c: String
    var md5: String?
    var customTime: Date?
    var storageClass: StorageClass?
    var contentType: String?
    var metadata: [String: String]?

    /// Its index row as generation `generation`, written at `now`.
    func stored(generation: Int64, at now: Date, defaultClass: StorageClass, blob: String?) -> StoredObject {
        let micros = Timestamp.micros(now)
        return StoredObject(name: name, generation: generation, size: size, crc32c: crc32c, md5: md5,
                            timeCreated: micros, updated: micros, customTime: customTime.map(Timestamp.micros),
                            storageClass: (storageClass ?? defaultClass).rawValue,
                            contentType: contentType ?? "application/octet-stream", metadata: metadata, blob: blob)
    }
}

extension LocalBucket {
    /// Makes the bytes in `temporary` (a file in this bucket's temp folder) the new
    /// live generation of `object.name`, if `ifGenerationMatch` allows: 0 means the
    /// object must not exist, N that its live generation is N. On any failure before
    /// the rename the temporary file is removed and nothing changes.
    func commitWrite(_ object: NewObject, temporary: String, ifGenerationMatch: Int64?) throws(StoreError) -> ObjectRecord {
        defer { try? FileSystem.remove(temporary) }
        return try transaction(object: object.name) { database throws(StoreError) in
            let current = try row(object.name, database)
            try check(ifGenerationMatch, current: current, object: object.name)
            let defaultClass = try storageClass(database)
            let now = options.clock.now()
            let generation = try nextGeneration(database, now: now)
            let place = placement(object.name, generation: generation)
            let row = object.stored(generation: generation, at: now, defaultClass: defaultClass, blob: place.blob)
            let marker = try writeMarker(PendingChange(kind: .write, name: object.name, generation: generation,
                                                       temp: layout.relative(temporary), row: row))
            do throws(FileError) {
                try FileSystem.move(temporary, place.path)
            } catch {
                discardMarker(marker)
                throw StoreError.file(error, bucket: name, object: object.name)
            }
            if let current, current.blob != row.blob { try? FileSystem.remove(layout.path(of: current)) }
            try upsert(row, database)
            return row.record
        }
    }

    /// Links (or, across file systems, copies) the live generation of `object` into
    /// `temporary`, holding this bucket's write lock so that no writer can rename
    /// other bytes over the file between reading its row and linking it.
    func linkSource(_ object: String, ifGenerationMatch: Int64?, into temporary: String) throws(StoreError) -> StoredObject {
        try transaction(object: object) { database throws(StoreError) in
            guard let current = try row(object, database) else { throw .notFound(bucket: name, object: object) }
            if let expected = ifGenerationMatch, expected != current.generation {
                throw .preconditionFailed(bucket: name, object: object,
                                          detail: "ifSourceGenerationMatch=\(expected), live generation is \(current.generation)")
            }
            let source = layout.path(of: current)
            do throws(FileError) {
                do {
                    try FileSystem.hardLink(source, temporary)
                } catch {
                    try FileSystem.createFile(temporary, try FileSystem.readAll(source), sync: options.syncWrites)
                }
            } catch {
                throw StoreError.file(error, bucket: name, object: object)
            }
            return current
        }
    }

    func delete(_ object: String, ifGenerationMatch: Int64?) throws(StoreError) {
        try transaction(object: object) { database throws(StoreError) in
            guard let current = try row(object, database) else { throw .notFound(bucket: name, object: object) }
            try check(ifGenerationMatch, current: current, object: object)
            let marker = try writeMarker(PendingChange(kind: .delete, name: object, generation: current.generation))
            do throws(StoreError) {
                try removeFiles(of: current)
            } catch {
                discardMarker(marker)
                throw error
            }
            try sql(object: object) { try database.run("DELETE FROM objects WHERE name = ?", object) }
        }
    }

    /// The live row (or nil), read without a lock.
    func head(_ object: String, generation: Int64?) throws(StoreError) -> StoredObject? {
        guard let database = try index() else { return nil }
        guard let current = try row(object, database) else { return nil }
        if let generation, generation != current.generation { return nil }
        return current
    }

    /// Reads an object under the write lock: used when a lock-free read raced a writer.
    func readLocked(_ object: String, generation: Int64?) throws(StoreError) -> (Data, StoredObject) {
        try transaction(object: object) { database throws(StoreError) in
            guard let current = try row(object, database), generation == nil || generation == current.generation else {
                throw .notFound(bucket: name, object: object)
            }
            do throws(FileError) {
                return (try FileSystem.readAll(layout.path(of: current)), current)
            } catch {
                throw StoreError.file(error, bucket: name, object: object)
            }
        }
    }

    /// The temp folder of an existing bucket (where new bytes are staged).
    func temporaryPath() throws(StoreError) -> String {
        guard try index() != nil else { throw .notFound(bucket: name, object: nil) }
        return layout.newTemporaryPath()
    }

    // MARK: - Helpers

    func check(_ ifGenerationMatch: Int64?, current: StoredObject?, object: String) throws(StoreError) {
        guard let expected = ifGenerationMatch else { return }
        if expected == 0, let current {
            throw .preconditionFailed(bucket: name, object: object,
                                      detail: "ifGenerationMatch=0 but generation \(current.generation) exists")
        }
        if expected != 0, current?.generation != expected {
            let live = current.map { "live generation is \($0.generation)" } ?? "the object does not exist"
            throw .preconditionFailed(bucket: name, object: object, detail: "ifGenerationMatch=\(expected), \(live)")
        }
    }

    private func storageClass(_ database: SQLiteDatabase) throws(StoreError) -> StorageClass {
        try settings(database).settings.storageClass ?? .standard
    }

    /// Where new bytes go: at the object's name when the file system can hold them
    /// there, else in `.decant/blobs/<generation>` (a name ending in '/', a name
    /// whose path crosses a file, as `a` and `a/b`, or one that is a folder).
    private func placement(_ object: String, generation: Int64) -> (path: String, blob: String?) {
        let blob = (path: layout.blobs + "/\(generation)", blob: BucketLayout.controlName + "/blobs/\(generation)")
        if object.hasSuffix("/") { return blob }
        let path = layout.objectPath(object)
        let parent = (path as NSString).deletingLastPathComponent
        if parent != layout.directory {
            do { try FileSystem.makeDirectories(parent) } catch { return blob }
        }
        if FileSystem.status(path)?.isDirectory == true { return blob }
        return (path, nil)
    }
}

extension LocalBucket {
    /// Creates many new objects in one transaction: each whose name is free gets
    /// the bytes already written to its temporary file; a name that exists is left
    /// alone (nil in the result). Only absent names are written, so a process killed
    /// in between leaves at worst files without rows, which are invisible and
    /// overwritten by the next write: the same guarantee as `commitWrite`.
    func importNew(_ objects: [(object: NewObject, temporary: String)]) throws(StoreError) -> [ObjectRecord?] {
        try transaction { database throws(StoreError) in
            let defaultClass = try storageClass(database)
            let now = options.clock.now()
            var out: [ObjectRecord?] = []
            out.reserveCapacity(objects.count)
            for (object, temporary) in objects {
                if try row(object.name, database) != nil {
                    try? FileSystem.remove(temporary)
                    out.append(nil)
                    continue
                }
                let generation = try nextGeneration(database, now: now)
                let place = placement(object.name, generation: generation)
                let row = object.stored(generation: generation, at: now, defaultClass: defaultClass, blob: place.blob)
                do throws(FileError) {
                    try FileSystem.move(temporary, place.path)
                } catch {
                    throw StoreError.file(error, bucket: name, object: object.name)
                }
                try upsert(row, database)
                out.append(row.record)
            }
            return out
        }
    }
}
