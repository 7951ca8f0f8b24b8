/// The description of one command's arguments, from which both parsing and
/// `--help` are derived, so they cannot disagree.
public struct CommandSpec: Sendable {
    public var name: String
    public var summary: String
    /// The usage line after `decant NAME` (`--env ENV [SAVED_PLAN]`).
    public var usage: String
    public var options: [OptionSpec]
    public var positionals: [PositionalSpec]
    /// Longer text printed after the options.
    public var discussion: String?
    /// Whole command lines, each with what it does: `--help` ends with them, as
    /// terraform's and gcloud's do (a test parses each one against this spec).
    public var examples: [Example]

    public init(name: String, summary: String, usage: String, options: [OptionSpec] = [],
                positionals: [PositionalSpec] = [], discussion: String? = nil, examples: [Example] = []) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.options = options
        self.positionals = positionals
        self.discussion = discussion
        self.examples = examples
    }

    /// One example of `--help`.
    public struct Example: Sendable {
        /// What it does, in a few words.
        public var purpose: String
        /// The command line, starting with `decant`; arguments separated by single spaces.
        public var line: String

        public init(_ purpose: String, _ line: String) {
            self.purpose = purpose
            self.line = line
        }
    }
}

public struct OptionSpec: Sendable {
    /// Without dashes: `env` for `--env`.
    public var name: String
    /// Nil for a flag; the value's placeholder (`ENV`) otherwise.
    public var valueName: String?
    public var help: String
    public var repeatable: Bool

    public init(_ name: String, value: String? = nil, repeatable: Bool = false, help: String) {
        self.name = name
        self.valueName = value
        self.help = help
        self.repeatable = repeatable
    }

    public var takesValue: Bool { valueName != nil }

    public static func flag(_ name: String, help: String) -> OptionSpec { OptionSpec(name, help: help) }
}

public struct PositionalSpec: Sendable {
    public var name: String
    public var help: String
    public var optional: Bool
    /// Takes every remaining argument.
    public var variadic: Bool

    public init(_ name: String, optional: Bool = false, variadic: Bool = false, help: String) {
        self.name = name
        self.help = help
        self.optional = optional
        self.variadic = variadic
    }
}
