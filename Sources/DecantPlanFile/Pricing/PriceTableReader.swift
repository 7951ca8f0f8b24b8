import DecantCore

/// Reads a price table file (the format of `BuiltInPriceTable.text`) into a
/// `PriceTable`, reporting every mistake at its file:line:column.
public enum PriceTableReader {
    public static let formatVersion = "1"

    /// The table in `bytes`; nil when anything is wrong (all of it in the diagnostics).
    public static func read(_ bytes: [UInt8], file: String, origin: String) -> (table: PriceTable?, diagnostics: [Diagnostic]) {
        let bag = DiagnosticBag()
        let (root, parseDiagnostics) = YAMLParser.parse(bytes, file: file)
        bag.add(parseDiagnostics)
        guard let root, !parseDiagnostics.hasErrors, !root.isNull else {
            if !parseDiagnostics.hasErrors { bag.error("the price table is empty", at: SourceLocation(file: file, line: 1, column: 1)) }
            return (nil, bag.items.sortedUnique())
        }
        let table = Reader(bag: bag, file: file).table(root, origin: origin)
        let diagnostics = bag.items.sortedUnique()
        return (diagnostics.hasErrors ? nil : table, diagnostics)
    }

    /// decant's own table, read once.
    public static let builtIn: PriceTable = {
        // A test holds the built-in table to zero diagnostics.
        read(Array(BuiltInPriceTable.text.utf8), file: "(built-in price table)", origin: "built-in").table
            ?? PriceTable(name: "empty", currency: "USD", asOf: "1970", source: "the built-in table did not read", locations: [], origin: "built-in")
    }()

    struct Reader {
        let bag: DiagnosticBag
        let file: String
        var values: ValueReader { ValueReader(bag: bag, interpolator: .verbatim) }

        static let topKeys = ["decant_prices", "name", "currency", "as_of", "source", "sources", "classes", "locations", "network", "autoclass"]
        static let classKeys = ["class_a_per_1000", "class_b_per_1000", "retrieval_per_gib", "minimum_days", "source"]

        func table(_ root: YAMLNode, origin: String) -> PriceTable? {
            guard let fields = Fields(root, path: "price table", known: Self.topKeys, bag: bag) else { return nil }
            if let node = fields.required("decant_prices", bag: bag), node.scalar != PriceTableReader.formatVersion {
                bag.error("unsupported price table format `\(node.scalar ?? node.kindDescription)`; this decant reads format 1",
                          at: node.location, hint: "write `decant_prices: 1`")
            }
            let name = fields.required("name", bag: bag).flatMap { values.string($0, "name") }
            let currency = fields.required("currency", bag: bag).flatMap(currency)
            let asOf = fields.required("as_of", bag: bag).flatMap(asOf)
            let source = fields.required("source", bag: bag).flatMap { values.string($0, "source") }
            let sources = fields["sources"].map(namedSources) ?? [:]
            let defaults = fields["classes"].map { classDefaults($0, sources: sources) } ?? [:]
            let locations = fields.required("locations", bag: bag).map { self.locations($0, defaults: defaults, sources: sources) } ?? []
            let network = fields["network"].map { self.network($0, sources: sources) } ?? []
            var fee: Double?
            if let node = fields["autoclass"], let f = Fields(node, path: "autoclass", known: ["management_per_1000_objects_month", "source"], bag: bag) {
                fee = f.required("management_per_1000_objects_month", bag: bag).flatMap { values.amount($0, "autoclass.management_per_1000_objects_month") }
                _ = f["source"].map { references($0, "autoclass.source", sources: sources) }
            }
            guard let name, let currency, let asOf, let source else { return nil }
            return PriceTable(name: name, currency: currency, asOf: asOf, source: source, sources: sources, locations: locations,
                              network: network, autoclassFeePer1000Objects: fee, origin: origin)
        }

        func currency(_ node: YAMLNode) -> String? {
            guard let text = values.string(node, "currency") else { return nil }
            guard text.count == 3, text.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                bag.error("`currency`: `\(text)` is not an ISO 4217 code", at: node.location, hint: "write e.g. `USD` or `EUR`")
                return nil
            }
            return text
        }

        /// `2025`, `2025-01` or `2025-01-31`: when the prices were read.
        func asOf(_ node: YAMLNode) -> String? {
            guard let text = values.string(node, "as_of") else { return nil }
            let probe = PriceTable(name: "", currency: "", asOf: text, source: "", locations: [], origin: "")
            let shapes = [4, 7, 10]
            guard shapes.contains(text.count), probe.asOfDay != nil, text.allSatisfy({ $0.isNumber || $0 == "-" }) else {
                bag.error("`as_of`: `\(text)` is not a date", at: node.location, hint: "write the day the prices were read: YYYY-MM-DD (or YYYY-MM, YYYY)")
                return nil
            }
            return text
        }

        func namedSources(_ node: YAMLNode) -> [String: String] {
            guard let pairs = node.pairs else {
                bag.error("`sources` must be a mapping of names to descriptions, got \(node.kindDescription)", at: node.location)
                return [:]
            }
            var out: [String: String] = [:]
            for pair in pairs {
                guard let key = pair.key.scalar, let text = values.string(pair.value, "sources.\(key)") else { continue }
                out[key] = text
            }
            return out
        }

        /// A list of `sources` names (or a single one); unknown names are errors.
        @discardableResult
        func references(_ node: YAMLNode, _ path: String, sources: [String: String]) -> [String] {
            let list: [(String, SourceLocation)]
            if let text = node.scalar, !node.isNull {
                list = [(text, node.location)]
            } else {
                list = values.stringList(node, path) ?? []
            }
            for (name, location) in list where sources[name] == nil {
                bag.error("`\(path)`: `\(name)` is not one of the table's `sources`", at: location,
                          hint: DiagnosticBag.suggestion(for: name, among: sources.keys.sorted(), noun: "sources"))
            }
            return list.map(\.0)
        }

        struct ClassDefault {
            var classA: Double?
            var classB: Double?
            var retrieval: Double?
            var minimumDays: Int?
        }

        func classDefaults(_ node: YAMLNode, sources: [String: String]) -> [StorageClass: ClassDefault] {
            guard let pairs = node.pairs else {
                bag.error("`classes` must be a mapping of storage classes to prices, got \(node.kindDescription)", at: node.location)
                return [:]
            }
            var out: [StorageClass: ClassDefault] = [:]
            for pair in pairs {
                guard let storageClass = values.storageClass(pair.key, "classes") else { continue }
                out[storageClass] = classFields(pair.value, "classes.\(storageClass.rawValue)", sources: sources, known: Self.classKeys)
            }
            return out
        }

        func classFields(_ node: YAMLNode, _ path: String, sources: [String: String], known: [String]) -> ClassDefault {
            var d = ClassDefault()
            guard let f = Fields(node, path: path, known: known, bag: bag) else { return d }
            d.classA = f["class_a_per_1000"].flatMap { values.amount($0, f.child("class_a_per_1000")) }
            d.classB = f["class_b_per_1000"].flatMap { values.amount($0, f.child("class_b_per_1000")) }
            d.retrieval = f["retrieval_per_gib"].flatMap { values.amount($0, f.child("retrieval_per_gib")) }
            d.minimumDays = f["minimum_days"].flatMap { values.int($0, f.child("minimum_days"), atLeast: 0) }
            if let s = f["source"] { references(s, f.child("source"), sources: sources) }
            return d
        }

        func locations(_ node: YAMLNode, defaults: [StorageClass: ClassDefault], sources: [String: String]) -> [LocationPrices] {
            guard let pairs = node.pairs else {
                bag.error("`locations` must be a mapping of locations to prices, got \(node.kindDescription)", at: node.location)
                return []
            }
            var out: [LocationPrices] = []
            var seen: [String: SourceLocation] = [:]
            for pair in pairs {
                guard let name = pair.key.scalar, !name.isEmpty else { continue }
                let upper = name.uppercased()
                if let first = seen[upper] {
                    bag.error("location `\(upper)` is given twice (first at \(first))", at: pair.key.location)
                    continue
                }
                seen[upper] = pair.key.location
                if let location = self.location(pair.value, name: upper, defaults: defaults, sources: sources) { out.append(location) }
            }
            return out
        }

        func location(_ node: YAMLNode, name: String, defaults: [StorageClass: ClassDefault], sources: [String: String]) -> LocationPrices? {
            let path = "locations.\(name)"
            guard let f = Fields(node, path: path, known: ["kind", "at_rest_per_gib_month", "classes", "source"], bag: bag) else { return nil }
            let kind = f["kind"].flatMap { values.choice($0, f.child("kind"), ["region": "region", "dual-region": "dual-region", "multi-region": "multi-region"]) }
            let source = f["source"].map { references($0, f.child("source"), sources: sources) } ?? []
            var local: [StorageClass: ClassDefault] = [:]
            if let node = f["classes"], let pairs = node.pairs {
                for pair in pairs {
                    guard let storageClass = values.storageClass(pair.key, f.child("classes")) else { continue }
                    local[storageClass] = classFields(pair.value, "\(path).classes.\(storageClass.rawValue)", sources: sources,
                                                      known: Self.classKeys.filter { $0 != "minimum_days" })
                }
            } else if let node = f["classes"] {
                bag.error("`\(path).classes` must be a mapping of storage classes, got \(node.kindDescription)", at: node.location)
            }
            guard let atRestNode = f.required("at_rest_per_gib_month", bag: bag) else { return nil }
            guard let pairs = atRestNode.pairs, !pairs.isEmpty else {
                bag.error("`\(path).at_rest_per_gib_month` must map storage classes to prices, got \(atRestNode.kindDescription)", at: atRestNode.location)
                return nil
            }
            var classes: [ClassPrices] = []
            for pair in pairs {
                guard let storageClass = values.storageClass(pair.key, "\(path).at_rest_per_gib_month"),
                      let atRest = values.amount(pair.value, "\(path).at_rest_per_gib_month.\(storageClass.rawValue)") else { continue }
                let d = defaults[storageClass] ?? ClassDefault(), l = local[storageClass] ?? ClassDefault()
                guard let classA = l.classA ?? d.classA, let classB = l.classB ?? d.classB, let retrieval = l.retrieval ?? d.retrieval,
                      let minimum = d.minimumDays else {
                    bag.error("`\(path)`: \(storageClass.rawValue) has no Class A, Class B, retrieval price or minimum duration",
                              at: pair.key.location, hint: "give them under `classes: { \(storageClass.rawValue): … }` for every location, or under this location's `classes:`")
                    continue
                }
                classes.append(ClassPrices(storageClass: storageClass, atRestPerGiBMonth: atRest, classAPer1000: classA, classBPer1000: classB,
                                           retrievalPerGiB: retrieval, minimumDays: minimum))
            }
            return LocationPrices(location: name, kind: kind, classes: classes, source: source)
        }

        func network(_ node: YAMLNode, sources: [String: String]) -> [NetworkPrice] {
            guard let items = node.items else {
                bag.error("`network` must be a list of rates, got \(node.kindDescription)", at: node.location)
                return []
            }
            var out: [NetworkPrice] = []
            for (index, item) in items.enumerated() {
                let path = "network[\(index)]"
                guard let f = Fields(item, path: path, known: ["between", "from", "to", "per_gib", "source"], bag: bag) else { continue }
                let perGiB = f.required("per_gib", bag: bag).flatMap { values.amount($0, f.child("per_gib")) }
                let source = f["source"].map { references($0, f.child("source"), sources: sources) } ?? []
                func list(_ key: String) -> [String]? { f[key].flatMap { values.stringList($0, f.child(key)) }?.map(\.0) }
                let from: [String], to: [String]
                if let between = list("between") {
                    if f["from"] != nil || f["to"] != nil {
                        bag.error("`\(path)`: give `between` or `from` and `to`, not both", at: f.anchor)
                        continue
                    }
                    from = between
                    to = between
                } else if let a = list("from"), let b = list("to") {
                    from = a
                    to = b
                } else {
                    bag.error("`\(path)` needs `between: [A, B, …]` or `from:` and `to:`", at: f.anchor)
                    continue
                }
                guard let perGiB else { continue }
                out.append(NetworkPrice(from: from, to: to, perGiB: perGiB, source: source))
            }
            return out
        }
    }
}

extension ValueReader {
    /// A price or a fraction: a plain, finite, non-negative decimal number.
    func amount(_ node: YAMLNode, _ path: String, below limit: Double? = nil) -> Double? {
        guard node.isPlainScalar, let text = node.scalar, let value = Double(text), value.isFinite,
              text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }) else {
            bag.error("`\(path)` must be a number, got \(node.kindDescription)", at: node.location)
            return nil
        }
        guard value >= 0 else {
            bag.error("`\(path)` must not be negative, got \(text)", at: node.location)
            return nil
        }
        // Sums over exabytes stay finite (and printable) below this.
        guard value <= 1_000_000 else {
            bag.error("`\(path)` must be at most 1000000, got \(text)", at: node.location)
            return nil
        }
        if let limit, value >= limit {
            bag.error("`\(path)` must be below \(limit), got \(text)", at: node.location)
            return nil
        }
        return value
    }
}
