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
        // GCS prefixes match character by character: `outbox/feeds` reaches
        // `outbox/feeds/` and `outbox/feeds_archive/` alike. A folder named without
        // its trailing slash is that folder when no other migration starts with it.
        let covering = candidates.filter { stat.hasPrefix($0.source.prefix) }
            .max { $0.source.prefix.utf8.count < $1.source.prefix.utf8.count }
        let reached = candidates.filter { $0.source.prefix.hasPrefix(stat) && $0.key != covering?.key }
        if covering == nil, reached.count == 1, !templated, reached[0].source.prefix == stat + "/" {
            return .migration(reached[0].key)
        }
        if reached.isEmpty {
            return covering.map { .migration($0.key) } ?? .unmanaged
        }
        let keys = ([covering?.key].compactMap { $0 } + reached.map(\.key)).sorted()
        return .parent(keys)
    }

    /// What a write under `path` reaches beyond its folder, when `path` is a
    /// folder named without its trailing slash or a prefix of several sources: in
    /// words, for a warning; nil otherwise.
    func beyond(bucket: String, path: String) -> String? {
        let stat = ObjectPath.staticPrefix(path)
        guard !stat.isEmpty, !stat.hasSuffix("/") else { return nil }
        let candidates = migrations.filter { $0.source.bucket == bucket && $0.source.prefix.hasPrefix(stat) }
        if candidates.count > 1 {
            return "which reaches the sources of " + candidates.map { "\($0.key) (\($0.source.prefix))" }.sorted().joined(separator: ", ")
        }
        if stat == path, let only = candidates.first, only.source.prefix == stat + "/" {
            return "which reaches beyond \(only.source.prefix): every object whose name starts with \(stat)"
        }
        return nil
    }
}
