import DecantCore

/// A mistake on the command line, with a suggestion when one is likely.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var command: String?

    public init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    public var description: String { message }
}

/// The parsed arguments of one command.
public struct ParsedArguments: Sendable, Equatable {
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []

    public init() {}

    public func value(_ name: String) -> String? { values[name]?.last }
    public func all(_ name: String) -> [String] { values[name] ?? [] }
    public func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// Parses `--name value`, `--name=value`, flags, positionals and `--` (after
/// which everything is positional). Unknown options are errors that suggest the
/// closest known one.
public enum ArgumentParser {
    public static func parse(_ arguments: [String], for spec: CommandSpec) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        var i = 0
        var onlyPositionals = false
        let byName = Dictionary(spec.options.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                result.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            guard arg.hasPrefix("--") else {
                throw UsageError("unknown option '\(arg)': decant takes long options only (--name)", command: spec.name)
            }
            var name = String(arg.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = byName[name] else {
                var message = "unknown option '--\(name)' for 'decant \(spec.name)'"
                if let close = Suggest.closest(to: name, among: byName.keys) { message += "; did you mean '--\(close)'?" }
                throw UsageError(message, command: spec.name)
            }
            if option.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard i < arguments.count else {
                        throw UsageError("option '--\(name)' needs a value (\(option.valueName ?? "VALUE"))", command: spec.name)
                    }
                    value = arguments[i]
                    i += 1
                }
                if !option.repeatable, result.values[name] != nil {
                    throw UsageError("option '--\(name)' given twice", command: spec.name)
                }
                result.values[name, default: []].append(value)
            } else {
                if let inlineValue {
                    switch inlineValue {
                    case "true", "yes", "1": result.flags.insert(name)
                    case "false", "no", "0": result.flags.remove(name)
                    default: throw UsageError("flag '--\(name)' takes no value (got '\(inlineValue)')", command: spec.name)
                    }
                } else {
                    result.flags.insert(name)
                }
            }
        }
        try checkPositionals(result.positionals, spec)
        return result
    }

    private static func checkPositionals(_ given: [String], _ spec: CommandSpec) throws(UsageError) {
        let required = spec.positionals.filter { !$0.optional }.count
        let variadic = spec.positionals.contains { $0.variadic }
        if given.count < required {
            let missing = spec.positionals.filter { !$0.optional }[given.count...].map(\.name)
            throw UsageError("missing argument \(missing.joined(separator: " ")) for 'decant \(spec.name)'", command: spec.name)
        }
        if !variadic, given.count > spec.positionals.count {
            let extra = given[spec.positionals.count...]
            throw UsageError("unexpected argument '\(extra.first!)' for 'decant \(spec.name)'", command: spec.name)
        }
    }
}
