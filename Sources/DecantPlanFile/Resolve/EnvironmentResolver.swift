import DecantCore

/// The declared environments and their variables. `env` is always the
/// environment's own name; a variable's value may use `${env}` but no other variable.
struct EnvironmentResolver {
    struct Environment: Sendable {
        let name: String
        let location: SourceLocation
        let variables: [String: String]
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-", first != "_" else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            || $0 == "_" || $0 == "-" }
    }

    static func isValidVariable(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Every declared environment in declaration order; the ones with mistakes are reported and still listed.
    static func declared(_ document: PlanDocument, bag: DiagnosticBag) -> [Environment] {
        var out: [Environment] = []
        for entry in document.entries("environments") {
            if !isValidName(entry.name) {
                bag.error("environment name `\(entry.name)` may contain only letters, digits, `-` and `_`", at: entry.key.location)
            }
            let path = "environments.\(entry.name)"
            var variables: [String: String] = ["env": entry.name]
            let reader = ValueReader(bag: bag, interpolator: Interpolator(variables: ["env": entry.name]))
            if !entry.value.isNull {
                if let pairs = entry.value.pairs {
                    for pair in pairs {
                        guard let name = pair.key.scalar else { continue }
                        if name == "env" {
                            bag.error("`\(path).env` cannot be set: `${env}` is always the environment's name", at: pair.key.location)
                            continue
                        }
                        if !isValidVariable(name) {
                            bag.error("variable name `\(name)` may contain only letters, digits and `_`, and not start with a digit",
                                      at: pair.key.location)
                            continue
                        }
                        if pair.value.scalar == nil || pair.value.isNull {
                            bag.error("`\(path).\(name)` must be a string, got \(pair.value.kindDescription)", at: pair.value.location)
                            continue
                        }
                        if let value = reader.string(pair.value, "\(path).\(name)") { variables[name] = value }
                    }
                } else {
                    bag.error("`\(path)` must be a mapping of variables (`{ project: my-project }`), got \(entry.value.kindDescription)",
                              at: entry.value.location)
                }
            }
            out.append(Environment(name: entry.name, location: entry.key.location, variables: variables))
        }
        if out.isEmpty {
            bag.error("the plan declares no environment", at: document.mapLocations["environments"] ?? document.start,
                      hint: "add `environments: { dev: { project: my-project } }`")
        }
        return out
    }

    /// The `environments: [dev, stg]` of a bucket or migration: nil means every environment.
    static func restriction(_ node: YAMLNode?, path: String, declared: [String], reader: ValueReader) -> Set<String>? {
        guard let node else { return nil }
        guard let list = reader.stringList(node, path) else { return nil }
        var out = Set<String>()
        for (name, location) in list {
            if declared.contains(name) {
                out.insert(name)
            } else {
                reader.bag.error("`\(path)` names the undeclared environment `\(name)`", at: location,
                                 hint: DiagnosticBag.suggestion(for: name, among: declared, noun: "declared environments"))
            }
        }
        return out
    }
}
