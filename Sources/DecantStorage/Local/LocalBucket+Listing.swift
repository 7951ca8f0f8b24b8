import DecantCore
import DecantSQLite
import Foundation

/// Where the next page of a local listing starts.
struct LocalListPosition: Sendable {
    var from: String
    var inclusive: Bool
}

/// A listing's options resolved once: the glob parsed, the lower bound and the
/// prefix every name must have.
struct LocalListPlan: Sendable {
    var options: ListOptions
    var glob: Glob?
    /// Every listed name starts with this (the prefix, or the glob's literal start if longer).
    var required: String
    var start: LocalListPosition?
    var pageSize: Int

    /// Nil when nothing can match (a glob whose literal start contradicts the prefix).
    init(_ options: ListOptions, bucket: String) throws(StoreError) {
        self.options = options
        pageSize = min(max(options.pageSize, 1), 1000)
        glob = nil
        required = options.prefix
        if let pattern = options.glob {
            do {
                let glob = try Glob(pattern)
                self.glob = glob
                let literal = glob.literalPrefix
                if ByteOrder.hasPrefix(literal, options.prefix) {
                    required = literal
                } else if !ByteOrder.hasPrefix(options.prefix, literal) {
                    start = nil
                    return
                }
            } catch {
                throw .invalid(bucket: bucket, object: nil, detail: "matchGlob '\(pattern)': \(error)")
            }
        }
        var from = required
        if let offset = options.startOffset, ByteOrder.less(from, offset) { from = offset }
        start = LocalListPosition(from: from, inclusive: true)
    }
}

extension LocalBucket {
    /// Rows scanned at most for one page, so a glob that matches little still
    /// returns (short, even empty) pages at a steady pace.
    static let scanLimit = 10_000

    /// One page of a listing and where the next one starts (nil at the end).
    /// Reads at most a page's worth of rows per query: a listing never holds more.
    func page(_ plan: LocalListPlan, at position: LocalListPosition) throws(StoreError) -> (ObjectPage, LocalListPosition?) {
        guard let database = try index() else { throw .notFound(bucket: name, object: nil) }
        var page = ObjectPage(objects: [])
        var position = position
        var scanned = 0
        while page.objects.count + page.prefixes.count < plan.pageSize {
            if scanned >= LocalBucket.scanLimit { return (page, position) }
            let rows = try batch(database, plan, position, limit: plan.pageSize)
            if rows.isEmpty { return (page, nil) }
            var restart = false
            var consumed = 0
            for row in rows {
                consumed += 1
                scanned += 1
                guard ByteOrder.hasPrefix(row.name, plan.required) else { return (page, nil) }
                if let delimiter = plan.options.delimiter, !delimiter.isEmpty,
                   let folder = LocalBucket.folder(of: row.name, prefix: plan.options.prefix, delimiter: delimiter) {
                    page.prefixes.append(folder)
                    guard let next = ByteOrder.successor(ofPrefix: folder) else { return (page, nil) }
                    position = LocalListPosition(from: next, inclusive: true)
                    restart = true
                    break
                }
                position = LocalListPosition(from: row.name, inclusive: false)
                if plan.glob?.matches(row.name) ?? true { page.objects.append(row.record) }
                if page.objects.count + page.prefixes.count >= plan.pageSize { break }
            }
            if !restart, consumed == rows.count, rows.count < plan.pageSize { return (page, nil) }
        }
        return (page, position)
    }

    private func batch(_ database: SQLiteDatabase, _ plan: LocalListPlan, _ position: LocalListPosition,
                       limit: Int) throws(StoreError) -> [StoredObject] {
        let comparison = position.inclusive ? ">=" : ">"
        var sqlText = "SELECT \(StoredObject.columns) FROM objects WHERE name \(comparison) ?"
        var bindings: [any SQLiteBindable] = [position.from]
        if let end = plan.options.endOffset {
            sqlText += " AND name < ?"
            bindings.append(end)
        }
        sqlText += " ORDER BY name LIMIT ?"
        bindings.append(limit)
        return try sql { () throws -> [StoredObject] in
            try database.query(sqlText, bindings) { StoredObject(row: $0) }
        }
    }

    /// With a delimiter, the "folder" a name rolls up into: the prefix plus the text
    /// up to and including the first delimiter after it; nil for a direct child.
    static func folder(of name: String, prefix: String, delimiter: String) -> String? {
        let bytes = Array(name.utf8)
        let start = prefix.utf8.count
        let needle = Array(delimiter.utf8)
        guard bytes.count >= start + needle.count else { return nil }
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle {
                return String(decoding: bytes[0..<(i + needle.count)], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }
}
