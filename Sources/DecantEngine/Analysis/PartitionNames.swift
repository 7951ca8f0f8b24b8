import DecantCodeRefs

/// Folder names that are partitions of one data set rather than use cases of
/// their own: a year (`2026`), a day (`20261120`, `2026-11-20`), a month
/// (`2026-11`), `key=value`, an environment (`dev`, `prod`…), or a shared stem
/// with digits or a date (`qpi_answers_20261120`, `part-00001`). Analysis never
/// splits a folder whose children are all such names.
enum PartitionNames {
    /// True when every child (a folder path ending with `/`) is partition-like.
    static func allPartitions(_ children: [String]) -> Bool {
        let names = children.map { child -> String in
            let trimmed = child.hasSuffix("/") ? String(child.dropLast()) : child
            return String(trimmed.split(separator: "/").last ?? Substring(trimmed))
        }
        guard !names.isEmpty else { return false }
        if names.allSatisfy(isPartition) { return true }
        // A shared stem followed by digits or a date.
        guard names.count > 1, let stem = commonStem(names), !stem.isEmpty else { return false }
        return names.allSatisfy { name in
            let rest = String(name.dropFirst(stem.count))
            return !rest.isEmpty && (isDigits(rest) || isDate(rest))
        }
    }

    static func isPartition(_ name: String) -> Bool {
        if let eq = name.firstIndex(of: "="), eq != name.startIndex, name.index(after: eq) != name.endIndex { return true }
        if CodeScanOptions.usualEnvironments.contains(name.lowercased()) { return true }
        return (name.count == 4 && isDigits(name) && (name.hasPrefix("19") || name.hasPrefix("20"))) || isDate(name)
    }

    /// `20261120`, `2026-11-20`, `2026_11_20`, `2026-11`, `202611`, and a time after
    /// them (`20261120T010000`, `2026-11-20T01:00:00`).
    static func isDate(_ s: String) -> Bool {
        if let t = s.firstIndex(of: "T") {
            let time = s[s.index(after: t)...].filter { $0 != ":" }
            return isDate(String(s[..<t])) && (time.count == 4 || time.count == 6) && time.allSatisfy(\.isNumber)
        }
        let digits = s.filter(\.isNumber)
        let separators = s.filter { $0 == "-" || $0 == "_" }
        guard digits.count + separators.count == s.count, s.first?.isNumber == true else { return false }
        switch (digits.count, separators.count) {
        case (8, 0), (8, 2), (6, 0), (6, 1): return s.hasPrefix("19") || s.hasPrefix("20")
        default: return false
        }
    }

    static func isDigits(_ s: String) -> Bool { !s.isEmpty && s.allSatisfy(\.isNumber) }

    /// The longest common prefix ending before the first digit of every name.
    static func commonStem(_ names: [String]) -> String? {
        guard var stem = names.first.map({ String($0.prefix { !$0.isNumber }) }) else { return nil }
        for name in names.dropFirst() {
            stem = String(zip(stem, name).prefix { $0 == $1 }.map(\.0))
        }
        return stem
    }
}
