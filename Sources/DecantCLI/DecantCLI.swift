import DecantCore
import Foundation

/// The `decant` command line: global options, dispatch to a subcommand, errors to
/// exit codes.
public enum DecantCLI {
    /// Every subcommand, in the order `decant --help` lists them.
    public static let commands: [Command] = [
        ValidateCommand.command, PlanCommand.command, ApplyCommand.command, RollbackCommand.command, ShowCommand.command,
        StateCommand.command, StoreCommand.command, AnalyzeCommand.command, ConvertCommand.command, PricesCommand.command, VersionCommand.command,
    ]

    static let globalHelp = """
    decant: plan and apply the move of subfolders of a shared bucket into dedicated buckets.

    Usage: decant [--chdir DIR] COMMAND [OPTIONS]

    Global options:
      --chdir DIR   Run as if started in DIR (plan files, state and code paths are relative to it).
      --version     Print the version.
      --help, -h    Show this help, or `decant COMMAND --help` for one command.

    Examples:
      # Review, then apply, the plan files in plans/ for dev
      decant plan --env dev
      decant apply --env dev
      # Everything about one command
      decant apply --help
    """

    /// Runs `decant` with `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String], console: any Console = ProcessConsole()) async -> Int32 {
        var args = arguments
        var directory = console.workingDirectory
        // Global options come before the command.
        while let first = args.first, first.hasPrefix("-") {
            if first == "--version" { console.out("decant \(DecantVersion.current)\n"); return ExitCode.success }
            if first == "--help" || first == "-h" { console.out(usage()); return ExitCode.success }
            if first == "--chdir" || first.hasPrefix("--chdir=") {
                let value: String
                if first == "--chdir" {
                    guard args.count > 1 else { return usageError(UsageError("option '--chdir' needs a value (DIR)"), console) }
                    value = args[1]
                    args.removeFirst(2)
                } else {
                    value = String(first.dropFirst("--chdir=".count))
                    args.removeFirst()
                }
                directory = value.hasPrefix("/") ? value : URL(fileURLWithPath: directory).appendingPathComponent(value).standardizedFileURL.path
                continue
            }
            var message = "unknown global option '\(first)'"
            if let close = Suggest.closest(to: String(first.dropFirst(2)), among: ["chdir", "version", "help"]) {
                message += "; did you mean '--\(close)'?"
            }
            return usageError(UsageError(message), console)
        }
        guard let name = args.first else { console.out(usage()); return ExitCode.success }
        args.removeFirst()
        if name == "help" {
            if let sub = args.first, let command = commands.first(where: { $0.spec.name == sub }) {
                console.out(Help.render(command.spec))
            } else {
                console.out(usage())
            }
            return ExitCode.success
        }
        guard let command = commands.first(where: { $0.spec.name == name }) else {
            var message = "unknown command '\(name)'"
            if let close = Suggest.closest(to: name, among: commands.map(\.spec.name)) { message += "; did you mean '\(close)'?" }
            return usageError(UsageError(message), console)
        }
        if args.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
            console.out(Help.render(command.spec))
            return ExitCode.success
        }
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(args, for: command.spec)
        } catch {
            return usageError(error, console)
        }
        do {
            return try await command.run(parsed, CommandContext(console: console, directory: directory))
        } catch {
            console.err("error: \(describe(error))\n")
            return ExitCode.failure
        }
    }

    /// The reference pages in decant's repository (`docs/`), as `decant --help` lists them.
    static let documentation: [(page: String, summary: String)] = [
        ("plan-file.md", "Every key of a plan file and the rules for its values."),
        ("cli.md", "Every command in full (`decant COMMAND --help` is the short form)."),
        ("json.md", "The JSON documents: plan, analysis, progress events, state views."),
        ("safety.md", "What decant promises, and the tests that hold it to it."),
        ("cost.md", "How a plan prices a move; the built-in price table; your own prices."),
        ("code-references.md", "How code naming a bucket is found, rewritten, and holds deletions."),
        ("architecture.md", "How it works, stage by stage."),
        ("performance.md", "The benchmarks against their peers, and the latest figures."),
        ("ci.md", "The GitHub Actions workflows: plan on pull requests, apply dev → stg → prod, drift."),
        ("transfer-service.md", "Large migrations copied by Storage Transfer Service jobs."),
    ]

    static func usage() -> String {
        var out = globalHelp + "\n\nCommands:\n"
        let width = commands.map(\.spec.name.count).max() ?? 0
        for command in commands {
            out += "  " + command.spec.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.spec.summary + "\n"
        }
        out += "\nDocumentation (docs/ in decant's repository; README.md has a five-minute tour):\n"
        let pageWidth = documentation.map(\.page.count).max() ?? 0
        for (page, summary) in documentation {
            out += "  docs/" + page.padding(toLength: pageWidth + 2, withPad: " ", startingAt: 0) + summary + "\n"
        }
        return out
    }

    static func usageError(_ error: UsageError, _ console: any Console) -> Int32 {
        console.err("error: \(error.message)\n")
        if let command = error.command { console.err("See 'decant \(command) --help'.\n") } else { console.err("See 'decant --help'.\n") }
        return ExitCode.failure
    }

    /// The words for an error: its localized description when it has one.
    static func describe(_ error: any Error) -> String {
        if let e = error as? LocalizedError, let d = e.errorDescription { return d }
        return String(describing: error)
    }
}
