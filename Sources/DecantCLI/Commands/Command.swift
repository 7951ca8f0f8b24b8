import DecantCore
import Foundation

/// One `decant` subcommand: a spec (parsing and help) and a run function that
/// returns the exit code. Commands wire live implementations and print; all
/// decisions live in the libraries.
public struct Command: Sendable {
    public var spec: CommandSpec
    public var run: @Sendable (ParsedArguments, CommandContext) async throws -> Int32

    public init(_ spec: CommandSpec, run: @escaping @Sendable (ParsedArguments, CommandContext) async throws -> Int32) {
        self.spec = spec
        self.run = run
    }
}

/// What every command gets: the console and the global options.
public struct CommandContext: Sendable {
    public var console: any Console
    /// `--chdir`: the directory plan files, state and code paths are relative to.
    public var directory: String

    public init(console: any Console, directory: String) {
        self.console = console
        self.directory = directory
    }

    /// A path from the command line or a plan file, resolved against `directory`.
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// How messages name an absolute path: relative to `directory` when it lies inside it.
    public func shown(_ path: String) -> String {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        if path == directory || path + "/" == base { return "." }
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}

/// Exit codes, as Terraform's `-detailed-exitcode` defines them.
public enum ExitCode {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    /// `--detailed-exitcode` and there are changes.
    public static let changes: Int32 = 2
}

/// A failure a command reports in words (the libraries' errors are mapped to it or printed as they are).
public struct CommandError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
