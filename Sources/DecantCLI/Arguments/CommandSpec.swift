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

    public init(name: String, summary: String, usage: String, options: [OptionSpec] = [],
                positionals: [PositionalSpec] = [], discussion: String? = nil) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.options = options
        self.positionals = positionals
        self.discussion = discussion
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
