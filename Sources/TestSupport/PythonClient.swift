import Foundation

/// The official Python client (`google-cloud-storage`, in the test venv) as an
/// independent reader of what decant did on an emulator, and Python
/// `cryptography` as an independent verifier of signatures.
public struct PythonClient: Sendable {
    public let python: String

    public init(python: String) { self.python = python }

    /// The venv's python from `DECANT_TEST_PYTHON`.
    public static func fromEnvironment() throws -> PythonClient { PythonClient(python: try Emulators.python()) }

    /// One object as the official client reports it.
    public struct Object: Codable, Sendable, Equatable {
        public var name: String
        public var size: Int64
        public var crc32c: String?
        public var md5Hash: String?
        public var generation: Int64?
    }

    /// Every object of a bucket (under `prefix`), listed by the official client.
    public func list(endpoint: URL, bucket: String, prefix: String = "") async throws -> [Object] {
        let output = try await run(PythonClient.storageScript, ["list", bucket, prefix], emulator: endpoint)
        return try JSONDecoder().decode([Object].self, from: output)
    }

    /// An object's bytes, read by the official client.
    public func read(endpoint: URL, bucket: String, name: String) async throws -> Data {
        let output = try await run(PythonClient.storageScript, ["read", bucket, name], emulator: endpoint)
        guard let data = Data(base64Encoded: String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(message: "the read script printed no base64")
        }
        return data
    }

    /// Runs a Python script (given as text) with arguments; returns its stdout.
    /// Waits on a thread of its own (`OffPool`): Python takes a second or more to start.
    public func run(_ script: String, _ arguments: [String], emulator: URL? = nil, stdin: Data? = nil) async throws -> Data {
        let python = self.python
        return try await OffPool.run { try PythonClient.runBlocking(python: python, script, arguments, emulator: emulator, stdin: stdin) }
    }

    private static func runBlocking(python: String, _ script: String, _ arguments: [String], emulator: URL?, stdin: Data?) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("decant-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("script.py")
        try Data(script.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [file.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        if let emulator { environment["STORAGE_EMULATOR_HOST"] = emulator.absoluteString }
        process.environment = environment
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let collected = Locked(Data())
        let stderrDone = DispatchSemaphore(value: 0)
        Thread {
            let text = errors.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0 = text }
            stderrDone.signal()
        }.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        stderrDone.wait()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "python exited \(process.terminationStatus): "
                          + String(decoding: collected.current.suffix(2000), as: UTF8.self))
        }
        return data
    }

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let storageScript = #"""
    import base64, json, os, sys
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    host = os.environ["STORAGE_EMULATOR_HOST"]
    client = storage.Client(project="test", credentials=AnonymousCredentials(),
                            client_options={"api_endpoint": host})
    command, bucket = sys.argv[1], sys.argv[2]
    if command == "list":
        out = []
        for blob in client.list_blobs(bucket, prefix=sys.argv[3] or None):
            out.append({"name": blob.name, "size": blob.size, "crc32c": blob.crc32c,
                        "md5Hash": blob.md5_hash, "generation": blob.generation})
        json.dump(out, sys.stdout)
    elif command == "read":
        data = client.bucket(bucket).blob(sys.argv[3]).download_as_bytes()
        sys.stdout.write(base64.b64encode(data).decode())
    """#
}
