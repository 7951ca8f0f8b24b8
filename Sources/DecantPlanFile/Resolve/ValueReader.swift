import DecantCore

/// Reads typed values out of nodes, reporting wrong types at the node's position.
/// Strings are interpolated with the environment's variables.
struct ValueReader {
    let bag: DiagnosticBag
    let interpolator: Interpolator

    static let notBooleans: Set<String> = ["yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO",
                                           "ON", "OFF", "True", "False", "TRUE", "FALSE"]

    func string(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = node.scalar, !node.isNull else {
            bag.error("`\(path)` must be a string, got \(node.kindDescription)", at: node.location)
            return nil
        }
        return interpolator.apply(text, at: node.location, bag: bag)
    }

    /// `true` or `false` only: YAML 1.1's `yes`/`on` are the classic trap.
    func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        if node.isPlainScalar, let text = node.scalar {
            if text == "true" { return true }
            if text == "false" { return false }
            if Self.notBooleans.contains(text) {
                let lower = text.lowercased()
                let meant = ["yes", "on", "y", "true"].contains(lower) ? "true" : "false"
                bag.error("`\(path)` must be `true` or `false`, got `\(text)`", at: node.location,
                          hint: "decant reads only `true` and `false` as booleans; write `\(meant)`")
                return nil
            }
        }
        bag.error("`\(path)` must be a boolean (`true` or `false`), got \(node.kindDescription)", at: node.location)
        return nil
    }

    func int(_ node: YAMLNode, _ path: String, atLeast minimum: Int? = nil, atMost maximum: Int? = nil) -> Int? {
        guard node.isPlainScalar, let text = node.scalar, let value = Int(text) else {
            bag.error("`\(path)` must be an integer, got \(node.kindDescription)", at: node.location)
            return nil
        }
        if let minimum, value < minimum {
            bag.error("`\(path)` must be at least \(minimum), got \(value)", at: node.location)
            return nil
        }
        if let maximum, value > maximum {
            bag.error("`\(path)` must be at most \(maximum), got \(value)", at: node.location)
            return nil
        }
        return value
    }

    /// A list of strings, each with its own position (for per-item checks).
    func stringList(_ node: YAMLNode, _ path: String) -> [(String, SourceLocation)]? {
        guard let items = node.items else {
            bag.error("`\(path)` must be a list, got \(node.kindDescription)", at: node.location,
                      hint: node.scalar != nil ? "write `[\(node.scalar ?? "")]` for a list of one" : nil)
            return nil
        }
        var out: [(String, SourceLocation)] = []
        var ok = true
        for (index, item) in items.enumerated() {
            if let text = string(item, "\(path)[\(index)]") { out.append((text, item.location)) } else { ok = false }
        }
        return ok ? out : nil
    }

    func duration(_ node: YAMLNode, _ path: String) -> DurationSpec? {
        guard let text = string(node, path) else { return nil }
        guard let duration = DurationSpec(parsing: text) else {
            bag.error("`\(path)`: `\(text)` is not a duration", at: node.location,
                      hint: Int(text) != nil ? "add a unit, e.g. `\(text)d`" : "write a number and a unit: `14d`, `2w`, `12h`, `90m` or `30s`")
            return nil
        }
        return duration
    }

    func date(_ node: YAMLNode, _ path: String) -> CalendarDay? {
        guard let text = string(node, path) else { return nil }
        guard text.count == 10, let day = CalendarDay(text) else {
            bag.error("`\(path)`: `\(text)` is not a date", at: node.location, hint: "write YYYY-MM-DD, e.g. `2025-01-31`")
            return nil
        }
        return day
    }

    /// One of a fixed set of words, with a suggestion for a near miss.
    func choice<T>(_ node: YAMLNode, _ path: String, _ options: KeyValuePairs<String, T>) -> T? {
        choice(node, path, options.map(\.key)).flatMap { word in options.first { $0.key == word }?.value }
    }

    /// One of a fixed list of words, as written.
    func choice(_ node: YAMLNode, _ path: String, _ words: [String]) -> String? {
        guard let text = string(node, path) else { return nil }
        if words.contains(text) { return text }
        bag.error("`\(path)`: `\(text)` is not one of " + words.map { "`\($0)`" }.joined(separator: ", "),
                  at: node.location, hint: Suggest.closest(to: text, among: words).map { "did you mean `\($0)`?" })
        return nil
    }

    /// STANDARD, NEARLINE, COLDLINE or ARCHIVE (any case, written back in upper case).
    func storageClass(_ node: YAMLNode, _ path: String) -> StorageClass? {
        guard let text = string(node, path) else { return nil }
        if let value = StorageClass(rawValue: text.uppercased()), StorageClass.current.contains(value) { return value }
        let names = StorageClass.current.map(\.rawValue)
        bag.error("`\(path)`: `\(text)` is not a storage class", at: node.location,
                  hint: Suggest.closest(to: text.uppercased(), among: names).map { "did you mean `\($0)`?" }
                      ?? "use one of " + names.joined(separator: ", "))
        return nil
    }
}
