import DecantCore

/// All plan files merged into one document: the maps (`environments`,
/// `lifecycle_policies`, `buckets`, `migrations`) gather their entries from every
/// file, and the singletons (`decant`, `storage`, `state`, `code`) may appear in one
/// place only. Nothing is interpolated yet: that happens per environment.
struct PlanDocument {
    /// One named entry of a top-level map, or a singleton (then `name` is the top-level key).
    struct Entry {
        let name: String
        let key: YAMLNode
        let value: YAMLNode
    }

    static let singletonKeys = ["decant", "storage", "state", "code", "pricing", "engines"]
    static let mapKeys = ["environments", "lifecycle_policies", "buckets", "migrations", "promotion"]
    static let topLevelKeys = ["decant", "environments", "storage", "state", "code", "pricing", "engines", "lifecycle_policies", "buckets",
                               "migrations", "promotion"]

    private(set) var singletons: [String: Entry] = [:]
    private(set) var maps: [String: [Entry]] = [:]
    /// Where each top-level map key was first written, for errors about the map as a whole.
    private(set) var mapLocations: [String: SourceLocation] = [:]
    /// Entry positions by map and name, so duplicates are found without a scan.
    private var index: [String: [String: Int]] = [:]
    /// The start of the first file: where errors about a missing key point.
    private(set) var start: SourceLocation?

    func entries(_ key: String) -> [Entry] { maps[key] ?? [] }

    static func merge(_ files: [(path: String, root: YAMLNode?)], bag: DiagnosticBag) -> PlanDocument {
        var document = PlanDocument()
        for (path, root) in files {
            if document.start == nil { document.start = SourceLocation(file: path, line: 1, column: 1) }
            guard let root, !root.isNull else { continue }
            guard let pairs = root.pairs else {
                bag.error("a plan file must be a mapping of top-level keys (`decant`, `environments`, `buckets`, `migrations`, …), got \(root.kindDescription)",
                          at: root.location)
                continue
            }
            for pair in pairs {
                guard let key = pair.key.scalar else { continue }
                if singletonKeys.contains(key) {
                    if let first = document.singletons[key] {
                        bag.error("`\(key)` is defined twice (first at \(first.key.location))", at: pair.key.location,
                                  hint: "give `\(key)` in one file only")
                    } else {
                        document.singletons[key] = Entry(name: key, key: pair.key, value: pair.value)
                    }
                } else if mapKeys.contains(key) {
                    if document.mapLocations[key] == nil { document.mapLocations[key] = pair.key.location }
                    document.mergeMap(key, pair.value, bag: bag)
                } else {
                    bag.error("unknown top-level key `\(key)`", at: pair.key.location,
                              hint: DiagnosticBag.suggestion(for: key, among: topLevelKeys, noun: "top-level keys"))
                }
            }
        }
        return document
    }

    private mutating func mergeMap(_ key: String, _ value: YAMLNode, bag: DiagnosticBag) {
        if value.isNull { return }
        guard let pairs = value.pairs else {
            bag.error("`\(key)` must be a mapping of names to definitions, got \(value.kindDescription)", at: value.location)
            return
        }
        var list = maps[key] ?? []
        var positions = index[key] ?? [:]
        for pair in pairs {
            guard let name = pair.key.scalar else { continue }
            if let firstIndex = positions[name] {
                let first = list[firstIndex]
                bag.error("`\(key).\(name)` is defined twice (first at \(first.key.location))", at: pair.key.location,
                          hint: "rename one of them or remove the duplicate")
                continue
            }
            positions[name] = list.count
            list.append(Entry(name: name, key: pair.key, value: pair.value))
        }
        maps[key] = list
        index[key] = positions
    }
}
