import DecantCore

/// `promotion:`: which environment goes before which, and for how long. Every
/// entry is checked whichever environment is resolved (an unknown environment,
/// an environment promoted from itself, a cycle, a bad duration), so `validate`
/// reports each mistake once, at its position.
struct PromotionResolver {
    let document: PlanDocument
    let declared: [String]
    let bag: DiagnosticBag

    static let keys = ["from", "soak"]

    /// The promotion of `environment`, nil when it has none or its entry is wrong.
    func resolve(for environment: String) -> Promotion? {
        // Values are read without interpolation: environment names and durations are literal.
        let reader = ValueReader(bag: bag, interpolator: Interpolator(variables: [:]))
        var promotions: [String: Promotion] = [:]
        for entry in document.entries("promotion") {
            let path = "promotion.\(entry.name)"
            var valid = true
            if !declared.contains(entry.name) {
                bag.error("`\(path)` promotes the undeclared environment `\(entry.name)`", at: entry.key.location,
                          hint: DiagnosticBag.suggestion(for: entry.name, among: declared, noun: "declared environments"))
                valid = false
            }
            guard let fields = Fields(entry.value, path: path, known: Self.keys, anchor: entry.key.location, bag: bag),
                  let fromNode = fields.required("from", bag: bag), let from = reader.string(fromNode, fields.child("from")) else { continue }
            if from == entry.name {
                bag.error("`\(fields.child("from"))`: `\(entry.name)` cannot be promoted from itself", at: fromNode.location,
                          hint: "name the environment that must apply each migration before \(entry.name)")
                valid = false
            } else if !declared.contains(from) {
                bag.error("`\(fields.child("from"))` names the undeclared environment `\(from)`", at: fromNode.location,
                          hint: DiagnosticBag.suggestion(for: from, among: declared, noun: "declared environments"))
                valid = false
            }
            var soak = DurationSpec.days(0)
            if let node = fields["soak"] {
                guard let read = reader.duration(node, fields.child("soak")) else { continue }
                soak = read
            }
            if valid { promotions[entry.name] = Promotion(from: from, soak: soak, origin: entry.key.location) }
        }
        reportCycles(promotions)
        return promotions[environment]
    }

    /// `prod ← stg ← prod`: no environment could ever go first.
    private func reportCycles(_ promotions: [String: Promotion]) {
        var reported = Set<String>()
        for start in promotions.keys.sorted() where !reported.contains(start) {
            var chain = [start]
            var current = start
            while let next = promotions[current]?.from {
                if let index = chain.firstIndex(of: next) {
                    let cycle = Array(chain[index...])
                    if reported.isDisjoint(with: cycle) {
                        let names = (cycle + [next]).map { "`\($0)`" }.joined(separator: " ← ")
                        bag.error("`promotion` has a cycle: \(names); no environment in it could ever be applied first",
                                  at: promotions[next]?.origin, hint: "one environment of the cycle must have no `promotion` entry")
                    }
                    reported.formUnion(cycle)
                    break
                }
                chain.append(next)
                current = next
            }
        }
    }
}
