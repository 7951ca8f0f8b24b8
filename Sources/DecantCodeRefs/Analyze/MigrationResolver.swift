import DecantCore

/// Which migration a path in the source bucket belongs to.
struct MigrationResolver: Sendable {
    enum Resolution: Equatable, Sendable {
        /// Under exactly one migration's source prefix (the longest that matches).
        case migration(String)
        /// A parent of (or a template that may reach into) these migrations' sources.
        case parent([String])
        /// In the bucket, under no migration.
        case unmanaged
        /// Not a usable path: the reason.
        case bucketLevel(String)
    }

    let migrations: [Migration]

    func resolve(bucket: String, path: String) -> Resolution {
        if path.isEmpty { return .bucketLevel("names the bucket root (what a program appends at run time is not seen)") }
        let stat = ObjectPath.staticPrefix(path)
        if stat.isEmpty { return .bucketLevel("the object path starts with a template (\(path))") }
        let templated = stat != path
        let candidates = migrations.filter { $0.source.bucket == bucket }
        // A folder named without its trailing slash (`dms_export`) is that folder.
        let probe = !templated && !stat.hasSuffix("/") && candidates.contains { $0.source.prefix == stat + "/" } ? stat + "/" : stat
        let covering = candidates.filter { probe.hasPrefix($0.source.prefix) }
            .max { $0.source.prefix.utf8.count < $1.source.prefix.utf8.count }
        let nested = candidates.filter { $0.source.prefix.hasPrefix(probe) && $0.source.prefix != probe && $0.key != covering?.key }
        if nested.isEmpty {
            return covering.map { .migration($0.key) } ?? .unmanaged
        }
        let keys = ([covering?.key].compactMap { $0 } + nested.map(\.key)).sorted()
        return .parent(keys)
    }
}
