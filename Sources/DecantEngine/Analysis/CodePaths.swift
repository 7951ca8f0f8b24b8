import DecantCore

/// The object paths code names in the analysed bucket, read for what is known
/// before run time: `QPI_exports/qpi_answers_{ds}/` is known up to `QPI_exports/qpi_answers_`.
struct CodePaths: Sendable {
    struct Named: Sendable {
        var reference: CodeReference
        /// The path before its first template or wildcard.
        var known: String
        /// The whole path is known (no template or wildcard in it).
        var isLiteral: Bool
    }

    let named: [Named]

    init(_ references: [CodeReference]) {
        // A path that starts with a template names no folder (the scanner reports
        // those of this environment as unresolved; another environment's are dropped).
        named = references.compactMap { reference in
            let known = Self.staticPrefix(reference.objectPath)
            return known.isEmpty ? nil : Named(reference: reference, known: known, isLiteral: known == reference.objectPath)
        }
    }

    /// Some reference names something below `folder` (worth listing its children).
    func namesInside(_ folder: String) -> Bool {
        named.contains { $0.known.utf8.count > folder.utf8.count && $0.known.hasPrefix(folder) }
    }

    /// Whether `folder` is a container of distinct use cases: the code names at
    /// least one of its `children` by name, and no reference names the folder as a
    /// whole (the folder itself, or a template right after it that may reach any child).
    /// A folder whose named children are all named by the same files (one job's
    /// use case, `ml_embeddings/{items,models}/`) is not split either.
    func splits(_ folder: String, children: [String]) -> Bool {
        guard !children.isEmpty else { return false }
        let childSet = Set(children)
        var filesOfChild: [String: Set<String>] = [:]
        for n in named where n.known.hasPrefix(folder) || n.known + "/" == folder {
            // The folder named without its slash is the folder as a whole.
            if n.known + "/" == folder { return false }
            let rest = String(n.known.dropFirst(folder.count))
            var child: String?
            if let slash = rest.firstIndex(of: "/") {
                if childSet.contains(folder + rest[...slash]) { child = folder + rest[...slash] }
            } else if !n.isLiteral || rest.isEmpty {
                return false
            } else if childSet.contains(folder + rest + "/") {
                child = folder + rest + "/"
            }
            if let child { filesOfChild[child, default: []].insert(n.reference.path) }
        }
        guard !filesOfChild.isEmpty else { return false }
        let sets = Set(filesOfChild.values)
        return filesOfChild.count == 1 || sets.count > 1
    }

    /// Where a reference lands among the analysed folders.
    enum Target: Equatable {
        /// Inside this folder.
        case inside(String)
        /// A prefix that holds (or a template that may reach) these folders.
        case spanning([String])
        /// No folder holds it: the path the code names that does not exist.
        case missing(String)
    }

    /// Resolves a known path among the `folders` (each ending with `/`);
    /// `containers` are the split folders, for naming a missing subfolder.
    static func target(of n: Named, folders: [String], directOnly: Set<String>, containers: [String]) -> Target {
        let known = n.known
        // The deepest folder the path is inside (a folder of direct objects only
        // holds names without a further `/`).
        let inside = folders.filter { f in
            guard known.hasPrefix(f) else { return false }
            return !directOnly.contains(f) || !known.dropFirst(f.count).contains("/")
        }.max { $0.count < $1.count }
        if let inside { return .inside(inside) }
        // Prefixes match character by character: `outbox/feeds` reaches `outbox/feeds/`
        // and `outbox/feeds_archive/`; a folder named without its slash is that folder alone.
        let spanned = folders.filter { $0.hasPrefix(known) }
        if n.isLiteral, spanned == [known + "/"] { return .inside(known + "/") }
        if !known.isEmpty, !spanned.isEmpty { return .spanning(spanned.sorted()) }
        let parent = containers.filter { known.hasPrefix($0) }.max { $0.count < $1.count } ?? ""
        let rest = known.dropFirst(parent.count)
        let segment = rest.firstIndex(of: "/").map { String(rest[...$0]) } ?? String(rest)
        return .missing(parent + segment)
    }

    /// The part of a path before its first template or wildcard (as the scanner reads it).
    static func staticPrefix(_ path: String) -> String {
        var out = ""
        for c in path.unicodeScalars {
            switch c {
            case "{", "$", "<", "*", "?", "[", "%": return out
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
