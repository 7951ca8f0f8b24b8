import Foundation

/// `--help` text, derived from the same spec the parser reads.
public enum Help {
    public static func render(_ spec: CommandSpec) -> String {
        var out = "\(spec.summary)\n\nUsage: decant \(spec.name) \(spec.usage)\n"
        if !spec.positionals.isEmpty {
            out += "\nArguments:\n"
            let width = spec.positionals.map(\.name.count).max() ?? 0
            for p in spec.positionals {
                out += "  " + p.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + p.help + "\n"
            }
        }
        let options = spec.options + [OptionSpec.flag("help", help: "Show this help (also -h).")]
        out += "\nOptions:\n"
        let labels = options.map { o in "--\(o.name)" + (o.valueName.map { " \($0)" } ?? "") }
        let width = labels.map(\.count).max() ?? 0
        for (label, option) in zip(labels, options) {
            var help = option.help
            if option.repeatable { help += " (repeatable)" }
            out += "  " + label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + help + "\n"
        }
        if let discussion = spec.discussion { out += "\n" + discussion + "\n" }
        out += "\nReference: docs/cli.md#decant-\(spec.name) in decant's repository.\n"
        if !spec.examples.isEmpty {
            out += "\nExamples:\n"
            for example in spec.examples { out += "  # \(example.purpose)\n  \(example.line)\n" }
        }
        return out
    }
}
