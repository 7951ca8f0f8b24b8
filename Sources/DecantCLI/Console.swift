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
    private static let stdout = OutputStream(fd: STDOUT_FILENO)
    private static let stderr = OutputStream(fd: STDERR_FILENO)

    public init() {}

    public func out(_ text: String) { Self.stdout.write(text) }
    public func err(_ text: String) { Self.stderr.write(text) }
    public var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    public var canPrompt: Bool { isatty(STDIN_FILENO) == 1 }
    public func readLine() -> String? { Swift.readLine(strippingNewline: true) }
    public var environment: [String: String] { ProcessInfo.processInfo.environment }
    public var workingDirectory: String { FileManager.default.currentDirectoryPath }
}

/// One of the process's output streams. When its reader goes away (`decant apply
/// --json | head`), writing stops and the command carries on: output is a report
/// of the work, never a reason to abandon it half done. (`main` ignores SIGPIPE,
/// so the write fails with EPIPE instead of killing the process.)
final class OutputStream: @unchecked Sendable {
    // Safe: `closed` is read and written only under `lock`, which also keeps the
    // lines of concurrent writers whole.
    private let fd: Int32
    private let lock = NSLock()
    private var closed = false

    init(fd: Int32) { self.fd = fd }

    func write(_ text: String) {
        lock.withLock {
            guard !closed else { return }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    closed = true  // EPIPE (the reader is gone), or a stream that cannot be written at all.
                    return
                }
                bytes = bytes.dropFirst(written)
            }
        }
    }
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
