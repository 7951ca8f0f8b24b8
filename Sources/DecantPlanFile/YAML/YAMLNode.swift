import DecantCore

/// One node of a YAML document, with the position it starts at. Aliases are
/// already resolved (an alias is a copy of its anchor's node) and merge keys
/// (`<<:`) already applied, so readers never see them.
struct YAMLNode: Hashable, Sendable {
    /// How a scalar was written: readers treat only plain scalars as booleans,
    /// integers or null, so `"true"` stays a string.
    enum ScalarStyle: Hashable, Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    enum Content: Hashable, Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    var content: Content
    var location: SourceLocation

    init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// The text of a scalar, nil for a collection.
    var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    var isPlainScalar: Bool {
        if case .scalar(_, .plain) = content { return true }
        return false
    }

    /// An empty plain value, `~` or `null`: what `key:` with nothing after it gives.
    var isNull: Bool {
        guard case .scalar(let text, .plain) = content else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// What the node is, for "expected a boolean, got a mapping".
    var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, let style):
            if isNull { return "nothing (null)" }
            if style != .plain { return "a quoted string" }
            if text == "true" || text == "false" { return "a boolean" }
            if Int(text) != nil { return "an integer" }
            return "the string `\(text)`"
        }
    }
}

/// A key and its value in a mapping; the key keeps its own position.
struct YAMLPair: Hashable, Sendable {
    var key: YAMLNode
    var value: YAMLNode
}
