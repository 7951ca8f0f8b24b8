/// The kind of file, from its name: it decides comment syntax, which quotes open
/// strings and whether bare constants can be code at all.
enum Language: Sendable {
    case python, sql, shell, yaml, json, markdown, plain, other

    init(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last ?? "").lowercased() : ""
        switch ext {
        case "py", "pyi": self = .python
        case "sql", "jinja", "j2": self = .sql
        case "sh", "bash", "zsh", "ksh": self = .shell
        case "yaml", "yml": self = .yaml
        case "json", "jsonl", "ipynb": self = .json
        case "md", "markdown", "rst": self = .markdown
        case "txt", "text", "log", "csv": self = .plain
        default:
            switch name {
            case "Dockerfile", "Makefile", ".env", ".envrc": self = .shell
            default: self = .other
            }
        }
    }

    /// Prose: there are no calls, strings or comments to read.
    var isProse: Bool { self == .markdown || self == .plain }

    /// `#` starts a comment.
    var hashComments: Bool { self == .python || self == .shell || self == .yaml || self == .other }
    /// `#` starts a comment only at the start of a word (shell, YAML).
    var hashNeedsWordStart: Bool { self == .shell || self == .yaml || self == .other }
    var dashDashComments: Bool { self == .sql }
    /// `//` starts a comment (not after `:`, as in `gs://`).
    var slashComments: Bool { self == .json || self == .other }
    /// `/* … */` comments.
    var blockComments: Bool { self == .json || self == .other || self == .sql }
    var tripleQuotes: Bool { self == .python || self == .sql }
    var backtickStrings: Bool { self == .shell || self == .sql || self == .other }
}
