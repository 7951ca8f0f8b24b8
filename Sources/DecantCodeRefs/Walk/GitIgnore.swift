import DecantCore

/// The common subset of `.gitignore`: globs, `!` negation, a trailing `/` for
/// directories only, a leading (or inner) `/` anchoring the pattern to the
/// file's directory, `**`. The last matching rule wins; a file in an ignored
/// directory stays ignored (the directory is never entered), as in git.
struct GitIgnore: Sendable {
    struct Rule: Sendable {
        let glob: Glob
        let negated: Bool
        let directoryOnly: Bool
        /// Matched against the path relative to `base` rather than the name alone.
        let anchored: Bool
        /// The directory of the `.gitignore`, relative to the root ("" for the root).
        let base: String
    }

    private(set) var rules: [Rule] = []

    /// Adds the rules of the `.gitignore` in directory `base`.
    mutating func add(_ text: String, base: String) {
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = Substring(raw)
            while line.last == " ", !line.hasSuffix("\\ ") { line = line.dropLast() }
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            var negated = false
            if line.hasPrefix("!") { negated = true; line = line.dropFirst() }
            var directoryOnly = false
            if line.hasSuffix("/") { directoryOnly = true; line = line.dropLast() }
            var anchored = line.contains("/")
            if line.hasPrefix("/") { line = line.dropFirst(); anchored = true }
            guard !line.isEmpty else { continue }
            // GCS globs expand {a,b}; gitignore does not.
            let pattern = line.replacingOccurrences(of: "{", with: "\\{").replacingOccurrences(of: "}", with: "\\}")
            guard let glob = try? Glob(pattern) else { continue }
            rules.append(Rule(glob: glob, negated: negated, directoryOnly: directoryOnly, anchored: anchored, base: base))
        }
    }

    /// True when `path` (relative to the root) is ignored.
    func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        var ignored = false
        for rule in rules where !rule.directoryOnly || isDirectory {
            let relative: Substring
            if rule.base.isEmpty {
                relative = Substring(path)
            } else if path.hasPrefix(rule.base + "/") {
                relative = path.dropFirst(rule.base.count + 1)
            } else {
                continue
            }
            let subject = rule.anchored ? String(relative) : String(relative.split(separator: "/").last ?? relative)
            if rule.glob.matches(subject) { ignored = !rule.negated }
        }
        return ignored
    }
}

private extension Substring {
    func replacingOccurrences(of a: String, with b: String) -> String {
        String(self).split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
