import DecantCore
import Foundation

extension SettingsResolver {
    /// `pricing: { table: FILE, discount: 0.15, classes: { COLDLINE: { at_rest_per_gib_month: 0.0035 } } }`.
    func pricing() -> PricingConfig? {
        guard let entry = document.singletons["pricing"] else { return nil }
        guard let fields = Fields(entry.value, path: "pricing", known: ["table", "discount", "classes"], anchor: entry.key.location, bag: bag) else {
            return nil
        }
        var config = PricingConfig(origin: entry.key.location)
        if let node = fields["table"], let path = reader.string(node, "pricing.table") {
            if path.isEmpty { bag.error("`pricing.table` is empty", at: node.location, hint: "name a price table file, or remove the key for the built-in one") }
            config.table = path
        }
        if let node = fields["discount"] {
            if let text = node.scalar, text.hasSuffix("%") {
                bag.error("`pricing.discount` is a fraction, not a percentage", at: node.location,
                          hint: "write `\(Double(text.dropLast()).map { String($0 / 100) } ?? "0.15")`")
            } else if let discount = reader.amount(node, "pricing.discount", below: 1) {
                config.discount = discount
            }
        }
        if let node = fields["classes"] {
            guard let pairs = node.pairs else {
                bag.error("`pricing.classes` must map storage classes to prices, got \(node.kindDescription)", at: node.location)
                return config
            }
            for pair in pairs {
                guard let storageClass = reader.storageClass(pair.key, "pricing.classes") else { continue }
                let path = "pricing.classes.\(storageClass.rawValue)"
                guard let f = Fields(pair.value, path: path, known: ["at_rest_per_gib_month", "class_a_per_1000", "class_b_per_1000", "retrieval_per_gib"],
                                     bag: bag) else { continue }
                if f.pairs.isEmpty { bag.error("`\(path)` overrides no price", at: pair.key.location) }
                config.overrides.append(ClassPriceOverride(
                    storageClass: storageClass,
                    atRestPerGiBMonth: f["at_rest_per_gib_month"].flatMap { reader.amount($0, f.child("at_rest_per_gib_month")) },
                    classAPer1000: f["class_a_per_1000"].flatMap { reader.amount($0, f.child("class_a_per_1000")) },
                    classBPer1000: f["class_b_per_1000"].flatMap { reader.amount($0, f.child("class_b_per_1000")) },
                    retrievalPerGiB: f["retrieval_per_gib"].flatMap { reader.amount($0, f.child("retrieval_per_gib")) }))
            }
        }
        return config
    }
}

/// The prices a plan is costed with: its `pricing:` key applied to the table it
/// names (read from disk) or to decant's built-in one.
public enum PricingLoader {
    /// - Parameter resolve: turns the table path as written into a path to open
    ///   (the CLI resolves relative paths against its working directory).
    public static func pricing(_ config: PricingConfig?, resolve: (String) -> String = { $0 }) -> (pricing: Pricing?, diagnostics: [Diagnostic]) {
        guard let config else { return (Pricing(table: PriceTableReader.builtIn), []) }
        var table = PriceTableReader.builtIn
        var diagnostics: [Diagnostic] = []
        if let path = config.table {
            let resolved = resolve(path)
            if let problem = unreadable(resolved) {
                return (nil, [.error("the price table \(path) \(problem)", at: config.origin,
                                     hint: "`decant prices > \(path)` writes the built-in table to start from")])
            }
            guard let data = FileManager.default.contents(atPath: resolved) else {
                return (nil, [.error("the price table \(path) cannot be read", at: config.origin)])
            }
            let (read, found) = PriceTableReader.read(Array(data), file: resolved, origin: path)
            diagnostics = found
            guard let read else { return (nil, diagnostics) }
            table = read
        }
        return (Pricing(table: table, discount: config.discount, overrides: config.overrides), diagnostics)
    }

    /// A table is a regular file (through symlinks) of at most 16 MiB: a device or a
    /// FIFO named by mistake must not hang planning.
    static let maxTableBytes: UInt64 = 16 << 20

    static func unreadable(_ path: String) -> String? {
        let real = (path as NSString).resolvingSymlinksInPath
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: real) else { return "does not exist" }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { return "is not a regular file" }
        if let size = attributes[.size] as? UInt64, size > maxTableBytes { return "is larger than 16 MiB" }
        return nil
    }
}
