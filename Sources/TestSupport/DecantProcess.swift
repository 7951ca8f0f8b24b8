#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The real `decant` executable as a child process, for tests that must see what a
/// user sees: exit codes, output, a process killed with SIGKILL, two processes at
/// once. Output goes to files (no pipe can fill up and block the child), read back
/// when it ends.
public final class DecantProcess: @unchecked Sendable {
    // @unchecked: every stored property is set in init and never changed; the
    // Process object is only used through its thread-safe pid/status accessors.
    private let process = Process()
    private let stdoutPath: String
    private let stderrPath: String
    private let started = ContinuousClock.now
    public let arguments: [String]

    /// What a finished run left.
    public struct Result: Sendable, CustomStringConvertible {
        public var arguments: [String]
        /// The exit code; for a signalled process, 128 + the signal.
        public var status: Int32
        /// The signal that ended it, if one did.
        public var signal: Int32?
        public var stdout: String
        public var stderr: String
        public var seconds: Double
        public var timedOut: Bool

        /// Both streams, for messages and for searching.
        public var output: String { stdout + stderr }

        public var description: String {
            "decant \(arguments.joined(separator: " ")) → \(signal.map { "signal \($0)" } ?? "exit \(status)")"
                + (timedOut ? " (timed out)" : "") + String(format: " in %.1f s", seconds)
                + "\n--- stdout (end)\n\(stdout.suffix(3000))\n--- stderr (end)\n\(stderr.suffix(3000))"
        }
    }

    /// Starts `decant ARGUMENTS` in `directory`. The environment is this process's,
    /// less anything that could send decant to a real cloud or give it a credential
    /// (GCS endpoints, Google credentials), plus `environment`.
    ///
    /// `shell`, when given, is a bash script run instead, with the decant binary as
    /// `$0` and the arguments as `"$@"` (a pipe, a `ulimit`, a signal disposition);
    /// its exit status is the result's.
    public init(_ arguments: [String], in directory: String, environment: [String: String] = [:], shell: String? = nil) throws {
        self.arguments = arguments
        let id = UUID().uuidString
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("decant-run-\(id)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        stdoutPath = logs.appendingPathComponent("stdout").path
        stderrPath = logs.appendingPathComponent("stderr").path
        guard FileManager.default.createFile(atPath: stdoutPath, contents: nil),
              FileManager.default.createFile(atPath: stderrPath, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", shell, try DecantProcess.binary()] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: try DecantProcess.binary())
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = DecantProcess.childEnvironment(environment)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    /// What the child wrote to stdout so far (to act on its progress as it goes).
    public var stdoutSoFar: String { Self.read(stdoutPath) }
    /// What the child wrote to stderr so far.
    public var stderrSoFar: String { Self.read(stderrPath) }
    public var isRunning: Bool { process.isRunning }
    /// Seconds since the child was started.
    public var elapsed: Double { Self.seconds(ContinuousClock.now - started) }

    /// Sends `signal` (SIGKILL by default) to the child.
    public func signal(_ signal: Int32 = SIGKILL) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until the child ends (killing it after `timeout` seconds) and returns
    /// what it left.
    public func wait(timeout: Double = 600) async -> Result {
        var timedOut = false
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while process.isRunning {
            if ContinuousClock.now > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        process.waitUntilExit()
        let signalled = process.terminationReason == .uncaughtSignal
        let result = Result(arguments: arguments,
                            status: signalled ? 128 + process.terminationStatus : process.terminationStatus,
                            signal: signalled ? process.terminationStatus : nil,
                            stdout: Self.read(stdoutPath), stderr: Self.read(stderrPath),
                            seconds: elapsed, timedOut: timedOut)
        try? FileManager.default.removeItem(atPath: (stdoutPath as NSString).deletingLastPathComponent)
        return result
    }

    /// Runs `decant ARGUMENTS` to the end (at most `timeout` seconds).
    public static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:],
                           shell: String? = nil, timeout: Double = 600) async throws -> Result {
        try await DecantProcess(arguments, in: directory, environment: environment, shell: shell).wait(timeout: timeout)
    }

    /// Waits (at most `timeout` seconds) until `condition` holds or the child ends;
    /// returns whether the condition held.
    public func waitUntil(timeout: Double = 120, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return false
    }

    // MARK: - Locating the binary

    /// The `decant` built next to the test bundle (`swift build --build-tests`
    /// builds it: the reliability tests depend on the executable), or `DECANT_BINARY`.
    public static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["DECANT_BINARY"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(searched: [path]) }
            return path
        }
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                          Bundle.main.bundleURL.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("decant").path }
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) { return path }
        throw Missing(searched: candidates)
    }

    public struct Missing: Error, CustomStringConvertible {
        public var searched: [String]
        public var description: String {
            "the decant executable was not found (looked at \(searched.joined(separator: ", "))); run swift build --build-tests, or set DECANT_BINARY"
        }
    }

    /// Variables that could point decant at a real GCS or hand it a credential.
    static let scrubbed: [String] = [
        "DECANT_GCS_ENDPOINT", "STORAGE_EMULATOR_HOST", "GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS",
        "CLOUDSDK_CONFIG", "GCE_METADATA_HOST",
    ]

    static func childEnvironment(_ overrides: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in scrubbed { environment[name] = nil }
        // No gcloud credentials from the home directory, and no metadata server:
        // a credential can only come from what the test sets.
        environment["CLOUDSDK_CONFIG"] = "/nonexistent-decant-test-gcloud"
        environment["GCE_METADATA_HOST"] = "127.0.0.1:9"
        for (name, value) in overrides { environment[name] = value }
        return environment
    }

    static func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
