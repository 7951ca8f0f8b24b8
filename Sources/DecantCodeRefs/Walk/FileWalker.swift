#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DecantCore

/// Lists the files to scan under the root: `.git` and symbolic links are never
/// followed, `.gitignore` rules (root and nested) apply, then the include and
/// exclude globs (an excluded directory is not entered).
struct FileWalker: Sendable {
    struct Listing: Sendable {
        /// Paths relative to the root, with `/`, sorted.
        var files: [String] = []
        /// Files and directories left out by `.gitignore` rules.
        var ignored = 0
    }

    let root: String
    let include: [Glob]
    let exclude: [Glob]

    func walk() -> Listing {
        var listing = Listing()
        var stack: [(String, GitIgnore)] = [("", GitIgnore())]
        while let (dir, inherited) = stack.popLast() {
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
                switch entry.kind {
                case .directory:
                    if ignore.isIgnored(path, isDirectory: true) { listing.ignored += 1; continue }
                    if exclude.contains(where: { $0.matches(path + "/") }) { continue }
                    stack.append((path, ignore))
                case .file:
                    if ignore.isIgnored(path, isDirectory: false) { listing.ignored += 1; continue }
                    if !include.isEmpty, !include.contains(where: { $0.matches(path) }) { continue }
                    if exclude.contains(where: { $0.matches(path) }) { continue }
                    listing.files.append(path)
                case .other:
                    continue
                }
            }
        }
        listing.files.sort()
        return listing
    }

    enum Kind { case file, directory, other }

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
            // d_type: 4 directory, 8 regular file, 0 unknown (ask lstat); links and the rest are skipped.
            switch entry.pointee.d_type {
            case 4: kind = .directory
            case 8: kind = .file
            case 0:
                var info = stat()
                guard lstat(path + "/" + name, &info) == 0 else { continue }
                let type = info.st_mode & S_IFMT
                kind = type == S_IFDIR ? .directory : type == S_IFREG ? .file : .other
            default: kind = .other
            }
            out.append(Entry(name: name, kind: kind))
        }
        return out
    }

    static func readText(_ path: String) -> String? {
        var buffer: [UInt8] = []
        guard case .read(let count) = FileBytes.read(path, maxBytes: 1 << 20, into: &buffer) else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
