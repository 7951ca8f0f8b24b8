#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DecantCore

/// Lists the files to scan under the root: `.git` is never entered, `.gitignore`
/// rules (root and nested) apply, then the include and exclude globs (an excluded
/// directory is not entered). Symbolic links are resolved (DESIGN.md §4, invariant
/// 3: a reference through a link holds a deletion like any other):
/// - a link to a file inside the root is scanned once, by its real path;
/// - a link to a folder inside the root is not followed (its files are scanned
///   where they are);
/// - a link out of the root (to a file or a folder) is scanned under the link's
///   path and recorded in `outside`: its references count, but decant never
///   rewrites a file outside the root;
/// - a broken link, a link to a folder holding the root, or to a folder already
///   walked is not followed.
/// Every link not scanned under its own path is recorded in `skipped`, with the reason.
struct FileWalker: Sendable {
    struct Listing: Sendable {
        /// Paths relative to the root, with `/`, sorted.
        var files: [String] = []
        /// Files and directories left out by `.gitignore` rules.
        var ignored = 0
        /// Links not scanned under their own path, and why.
        var skipped: [SkippedFile] = []
        /// Files reached through a link out of the root (scanned, never rewritten).
        var outside: [LinkedFile] = []
    }

    let root: String
    let include: [Glob]
    let exclude: [Glob]

    func walk() -> Listing {
        var listing = Listing()
        let realRoot = Self.realPath(root) ?? root
        var linkedInside = Set<String>()
        var walkedOutside = Set<String>()
        // (directory relative to the root, inherited rules, the real folder when reached through a link out of the root)
        var stack: [(String, GitIgnore, String?)] = [("", GitIgnore(), nil)]
        while let (dir, inherited, outsideFolder) = stack.popLast() {
            let absolute = dir.isEmpty ? root : root + "/" + dir
            var entries = Self.entries(of: absolute)
            var ignore = inherited
            if let gitignore = entries.first(where: { $0.name == ".gitignore" && $0.kind == .file }),
               let text = Self.readText(absolute + "/" + gitignore.name) {
                ignore.add(text, base: dir)
            }
            entries.sort { $0.name > $1.name }  // popped in name order
            for entry in entries where entry.name != ".git" {
                let path = dir.isEmpty ? entry.name : dir + "/" + entry.name
                var kind = entry.kind
                var target: String?
                if kind == .link {
                    guard let resolved = resolveLink(path, realRoot: realRoot, into: &listing, linkedInside: &linkedInside,
                                                     walkedOutside: &walkedOutside, ignore: ignore) else { continue }
                    (kind, target) = resolved
                }
                switch kind {
                case .directory:
                    if ignore.isIgnored(path, isDirectory: true) { listing.ignored += 1; continue }
                    if exclude.contains(where: { $0.matches(path + "/") }) { continue }
                    stack.append((path, ignore, target ?? outsideFolder.map { $0 + "/" + entry.name }))
                case .file:
                    if ignore.isIgnored(path, isDirectory: false) { listing.ignored += 1; continue }
                    if !include.isEmpty, !include.contains(where: { $0.matches(path) }) { continue }
                    if exclude.contains(where: { $0.matches(path) }) { continue }
                    listing.files.append(path)
                    if let real = target ?? outsideFolder.map({ $0 + "/" + entry.name }) {
                        listing.outside.append(LinkedFile(path: path, target: real))
                    }
                case .other, .link:
                    continue
                }
            }
        }
        let listed = Set(listing.files)
        listing.files += linkedInside.filter { !listed.contains($0) }
        listing.files.sort()
        listing.skipped.sort { $0.path < $1.path }
        listing.outside.sort { $0.path < $1.path }
        return listing
    }

    /// What the link at `path` (relative to the root) is to be walked as: a file or
    /// folder out of the root (with its real path), or nil when it is not walked
    /// under its own path (recorded in `listing.skipped`; a file inside the root is
    /// added to `linkedInside`, to be scanned by its real path).
    private func resolveLink(_ path: String, realRoot: String, into listing: inout Listing, linkedInside: inout Set<String>,
                             walkedOutside: inout Set<String>, ignore: GitIgnore) -> (Kind, String?)? {
        let absolute = root + "/" + path
        guard let real = Self.realPath(absolute) else {
            listing.skipped.append(SkippedFile(path: path, reason: .brokenLink(target: Self.linkTarget(absolute))))
            return nil
        }
        var info = stat()
        guard stat(real, &info) == 0 else {
            listing.skipped.append(SkippedFile(path: path, reason: .brokenLink(target: Self.linkTarget(absolute))))
            return nil
        }
        let type = info.st_mode & S_IFMT
        let inside = real == realRoot || real.hasPrefix(realRoot + "/")
        if type == S_IFDIR {
            if inside {
                listing.skipped.append(SkippedFile(path: path, reason: .linkedFolderInsideRoot))
                return nil
            }
            if realRoot.hasPrefix(real + "/") {
                listing.skipped.append(SkippedFile(path: path, reason: .linkedFolderHoldingRoot))
                return nil
            }
            guard walkedOutside.insert(real).inserted else {
                listing.skipped.append(SkippedFile(path: path, reason: .linkedFolderWalked(target: real)))
                return nil
            }
            return (.directory, real)
        }
        guard type == S_IFREG else { return nil }
        guard inside else { return (.file, real) }
        // Scanned once, under its real path, if the link itself is one to scan.
        if ignore.isIgnored(path, isDirectory: false) { listing.ignored += 1; return nil }
        if !include.isEmpty, !include.contains(where: { $0.matches(path) }) { return nil }
        if exclude.contains(where: { $0.matches(path) }) { return nil }
        let relative = String(real.dropFirst(realRoot.count + 1))
        listing.skipped.append(SkippedFile(path: path, reason: .linkInsideRoot(realPath: relative)))
        linkedInside.insert(relative)
        return nil
    }

    enum Kind { case file, directory, link, other }

    struct Entry {
        let name: String
        let kind: Kind
    }

    static func entries(of path: String) -> [Entry] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [Entry] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var kind: Kind
            // d_type: 4 directory, 8 regular file, 10 symbolic link, 0 unknown (ask lstat); the rest is skipped.
            switch entry.pointee.d_type {
            case 4: kind = .directory
            case 8: kind = .file
            case 10: kind = .link
            case 0:
                var info = stat()
                guard lstat(path + "/" + name, &info) == 0 else { continue }
                let type = info.st_mode & S_IFMT
                kind = type == S_IFDIR ? .directory : type == S_IFREG ? .file : type == S_IFLNK ? .link : .other
            default: kind = .other
            }
            out.append(Entry(name: name, kind: kind))
        }
        return out
    }

    /// The path with every link resolved, or nil when it leads nowhere.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// What a link says it points to, as written.
    static func linkTarget(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return "?" }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func readText(_ path: String) -> String? {
        var buffer: [UInt8] = []
        guard case .read(let count) = FileBytes.read(path, maxBytes: 1 << 20, into: &buffer) else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
