import Foundation

/// Where a command's output goes and what it knows about its surroundings:
/// the live one writes to the process's streams; tests capture everything.
public protocol Console: Sendable {
    func out(_ text: String)
    func err(_ text: String)
    /// Standard output is a terminal (colour and live progress allowed).
    var isTerminal: Bool { get }
    /// Standard input is a terminal (a prompt can be answered).
    var canPrompt: Bool { get }
    /// One line from standard input, nil at its end.
    func readLine() -> String?
    var environment: [String: String] { get }
    /// The directory relative paths are resolved against.
    var workingDirectory: String { get }
}

extension Console {
    /// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
    public var useColor: Bool {
        isTerminal && environment["NO_COLOR"].map(\.isEmpty) ?? true && environment["TERM"] != "dumb"
    }
}

/// The process's own streams.
public struct ProcessConsole: Console {
    public init() {}

    public func out(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    public func err(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
    public var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    public var canPrompt: Bool { isatty(STDIN_FILENO) == 1 }
    public func readLine() -> String? { Swift.readLine(strippingNewline: true) }
    public var environment: [String: String] { ProcessInfo.processInfo.environment }
    public var workingDirectory: String { FileManager.default.currentDirectoryPath }
}

/// A console that records output, for tests.
public final class CapturingConsole: Console, @unchecked Sendable {
    // Safe: every access to the mutable fields goes through `lock`.
    private let lock = NSLock()
    private var _out = ""
    private var _err = ""
    private var input: [String]
    public let isTerminal: Bool
    public let canPrompt: Bool
    public let environment: [String: String]
    public let workingDirectory: String

    public init(input: [String] = [], isTerminal: Bool = false, canPrompt: Bool = false,
                environment: [String: String] = [:], workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.input = input
        self.isTerminal = isTerminal
        self.canPrompt = canPrompt
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    public var stdout: String { lock.withLock { _out } }
    public var stderr: String { lock.withLock { _err } }
    public func out(_ text: String) { lock.withLock { _out += text } }
    public func err(_ text: String) { lock.withLock { _err += text } }
    public func readLine() -> String? {
        lock.withLock { input.isEmpty ? nil : input.removeFirst() }
    }
}
