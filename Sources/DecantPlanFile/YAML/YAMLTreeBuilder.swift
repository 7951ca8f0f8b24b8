import DecantCore

/// Builds a `YAMLNode` tree from parser events: keeps a stack of open
/// collections, resolves aliases against anchors, applies merge keys, and
/// enforces the limits that keep a hostile file from exhausting memory or time.
struct YAMLTreeBuilder {
    let file: String
    let maxDepth: Int
    let maxExpandedNodes: Int

    private struct OpenCollection {
        var isMapping: Bool
        var location: SourceLocation
        var anchor: String?
        /// A sequence's items, or a mapping's keys and values alternating.
        var items: [YAMLNode] = []
        /// Nodes in this subtree, aliases counted as the size of what they expand to.
        var size = 1
    }

    private var stack: [OpenCollection] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var expandedNodes = 0
    private var documents = 0
    private(set) var root: YAMLNode?
    private(set) var diagnostics: [Diagnostic] = []
    /// Set by a fatal problem: the rest of the file is not read.
    private(set) var stopped = false

    init(file: String, maxDepth: Int, maxExpandedNodes: Int) {
        self.file = file
        self.maxDepth = maxDepth
        self.maxExpandedNodes = maxExpandedNodes
    }

    mutating func fail(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        stopped = true
    }

    mutating func error(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.error(message, at: location, hint: hint))
    }

    mutating func startDocument(at location: SourceLocation) {
        documents += 1
        if documents > 1 {
            fail(.error("a plan file holds one YAML document; this is a second one", at: location,
                        hint: "remove the `---` separator or move the document to its own file"))
        }
    }

    mutating func scalar(_ text: String, style: YAMLNode.ScalarStyle, anchor: String?, at location: SourceLocation) {
        let node = YAMLNode(.scalar(text, style), at: location)
        if let anchor { anchors[anchor] = (node, 1) }
        add(node, size: 1)
    }

    mutating func alias(_ name: String, at location: SourceLocation) {
        guard let (node, size) = anchors[name] else {
            error("unknown alias `*\(name)`", at: location,
                  hint: Suggest.closest(to: name, among: anchors.keys).map { "did you mean `*\($0)`?" }
                      ?? "an alias must follow its anchor (`&\(name)`)")
            add(YAMLNode(.scalar("", .plain), at: location), size: 1)
            return
        }
        expandedNodes += size
        guard expandedNodes <= maxExpandedNodes else {
            fail(.error("aliases expand to more than \(maxExpandedNodes) nodes; refusing what looks like an alias bomb",
                        at: location))
            return
        }
        // The copy keeps the anchor's content but reports the alias's position.
        var copy = node
        copy.location = location
        add(copy, size: size)
    }

    mutating func startCollection(mapping: Bool, anchor: String?, at location: SourceLocation) {
        guard stack.count < maxDepth else {
            fail(.error("the document is nested more than \(maxDepth) levels deep", at: location))
            return
        }
        stack.append(OpenCollection(isMapping: mapping, location: location, anchor: anchor))
    }

    mutating func endCollection() {
        guard let open = stack.popLast() else { return }
        let node: YAMLNode
        if open.isMapping {
            node = YAMLNode(.mapping(mappingPairs(open.items)), at: open.location)
        } else {
            node = YAMLNode(.sequence(open.items), at: open.location)
        }
        if let anchor = open.anchor { anchors[anchor] = (node, open.size) }
        add(node, size: open.size)
    }

    private mutating func add(_ node: YAMLNode, size: Int) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        stack[stack.count - 1].items.append(node)
        stack[stack.count - 1].size += size
    }

    /// Keys must be scalars and unique; `<<` merges the keys of a mapping (or a
    /// list of mappings) that the mapping does not define itself.
    private mutating func mappingPairs(_ items: [YAMLNode]) -> [YAMLPair] {
        var pairs: [YAMLPair] = []
        var seen: [String: SourceLocation] = [:]
        var merges: [YAMLNode] = []
        var i = 0
        while i + 1 < items.count {
            let key = items[i], value = items[i + 1]
            i += 2
            guard let name = key.scalar else {
                error("a mapping key must be a scalar, not \(key.kindDescription)", at: key.location)
                continue
            }
            if key.isPlainScalar, name == "<<" {
                merges.append(value)
                continue
            }
            if let first = seen[name] {
                error("key `\(name)` is defined twice in this mapping (first at \(first))", at: key.location,
                      hint: "remove one of them")
                continue
            }
            seen[name] = key.location
            pairs.append(YAMLPair(key: key, value: value))
        }
        for merge in merges {
            let sources = merge.items ?? [merge]
            for source in sources {
                guard let sourcePairs = source.pairs else {
                    error("a merge key `<<` takes a mapping or a list of mappings, not \(source.kindDescription)",
                          at: source.location)
                    continue
                }
                for pair in sourcePairs {
                    guard let name = pair.key.scalar, seen[name] == nil else { continue }
                    seen[name] = pair.key.location
                    pairs.append(pair)
                }
            }
        }
        return pairs
    }
}
