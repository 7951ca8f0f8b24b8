import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// A repository as a platform engineer has it, for end-to-end command tests: plan
/// files, a code root that reads the source path, and a shared source bucket on
/// the local store or on fake-gcs-server (bucket names unique to the test, so
/// that tests share one emulator). State is a local file in the repository.
struct CLIRepo {
    let directory: TemporaryDirectory
    let kind: StoreKind
    /// The same store the commands use, for setting up and checking from outside.
    let store: any ObjectStore
    /// The emulator's base URL (for the Python client); nil for the local store.
    let endpoint: URL?
    let source: String
    let target: String
    /// Every object put in the source bucket, by name.
    let originals: [String: Data]
    /// The code file decant rewrites, as it was before any apply.
    let originalCode: Data

    static let codePath = "jobs/read_history.py"
    static let migrated = "historization/"
    static let left = "ml_temp/model.bin"

    /// `objects` objects under `historization/` (in two subfolders) and one that no migration covers.
    init(_ kind: StoreKind, objects: Int = 12, batchSize: Int? = nil, cleanupAfterDays: Int = 7) async throws {
        switch kind {
        case .local:
            directory = try TemporaryDirectory("decant-cli")
            store = LocalStore(root: directory.path + "/store")
            endpoint = nil
        case .fakeGCS, .gcpStorageEmulator:
            let harness = try StoreHarness.make(kind)
            directory = try TemporaryDirectory("decant-cli")
            store = harness.store
            endpoint = harness.endpoint
        }
        self.kind = kind
        source = UniqueName.bucket("src")
        target = UniqueName.bucket("arch")

        let storage = endpoint.map { "{ provider: gcs, project: test, endpoint: \"\($0.absoluteString)\", emulator: \(kind.rawValue) }" }
            ?? "{ provider: local, root: store }"
        let batch = batchSize.map { "\n    batch_size: \($0)" } ?? ""
        _ = try directory.write("plans/plan.yaml", """
        decant: 1
        environments:
          dev: {}
        storage: \(storage)
        state: { backend: local, path: "state/${env}.db" }
        code:
          root: code
          source_refs: ["\(source)"]
        buckets:
          archive: { name: "\(target)", labels: { use_case: historization } }
        migrations:
          historization:
            source: "\(source)/historization/"
            target: "archive/archives/"
            subfolders:
              tracking/: firebase_tracking/
            rewrite_code: true
            cleanup: { delete_source: true, after: \(cleanupAfterDays)d }\(batch)

        """)
        let code = "import os\r\nHISTORY = \"gs://\(source)/historization/tracking/\"  # read by the DAG\nother = 1\n"
        _ = try directory.write("code/" + Self.codePath, code)
        originalCode = Data(code.utf8)

        _ = try await store.createBucket(source, project: "test", settings: BucketSettings())
        var contents: [String: Data] = [Self.left: Data("weights".utf8)]
        for i in 0..<objects {
            let folder = i.isMultiple(of: 3) ? "api_reco" : "tracking"
            // Sizes and bytes differ per object, so that a mix-up shows in the checksums.
            contents[String(format: "historization/\(folder)/day-%04d/part-0.parquet", i)] =
                Data((0..<(i * 37 % 500 + 1)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) })
        }
        originals = contents
        let store = self.store, source = self.source
        try await forEachConcurrently(contents.sorted { $0.key < $1.key }, width: 16) { name, data in
            _ = try await store.upload(source, name, data: data, ifGenerationMatch: 0, contentType: nil, metadata: nil)
        }
    }

    func remove() { directory.remove() }

    var path: String { directory.path }

    /// Runs `decant ARGS` in the repository, in process; a terminal console when `answers` are given.
    func run(_ arguments: [String], answers: [String]? = nil) async -> (code: Int32, out: String, err: String) {
        let console = CapturingConsole(input: answers ?? [], canPrompt: answers != nil, workingDirectory: directory.path)
        let code = await DecantCLI.main(arguments, console: console)
        return (code, console.stdout, console.stderr)
    }

    /// Every object of `bucket` under `prefix`, by name; empty for a missing bucket.
    func records(_ bucket: String, prefix: String = "") async throws -> [String: ObjectRecord] {
        guard try await store.getBucket(bucket) != nil else { return [:] }
        let all = try await store.listObjects(bucket, ListOptions(prefix: prefix)).all()
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }

    /// Every object of `bucket` with its bytes, read back through the store.
    func contents(_ bucket: String, prefix: String = "") async throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try await records(bucket, prefix: prefix).keys {
            out[name] = try await store.download(bucket, name, generation: nil).0
        }
        return out
    }

    func code() throws -> Data { try Data(contentsOf: directory.url.appendingPathComponent("code/" + Self.codePath)) }

    /// The originals under `historization/`, which the migration moves.
    var migratedOriginals: [String: Data] { originals.filter { $0.key.hasPrefix(Self.migrated) } }

    /// Checks with the official Python client (on an emulator) that the source
    /// bucket holds every original again, byte for byte and with GCS's checksums.
    func checkWithPythonClient() async throws {
        guard let endpoint else { return }
        let python = try Emulators.requirePython()
        let source = self.source
        let sample = originals.keys.sorted().prefix(4)
        let listed = try await python.list(endpoint: endpoint, bucket: source)
        var read: [(String, Data)] = []
        for name in sample { read.append((name, try await python.read(endpoint: endpoint, bucket: source, name: name))) }
        #expect(Set(listed.map(\.name)) == Set(originals.keys))
        for object in listed {
            let original = try #require(originals[object.name])
            #expect(object.size == Int64(original.count))
            #expect(object.crc32c == CRC32C.base64(original), "\(object.name)")
            #expect(object.md5Hash == Data(Digest.md5(original)).base64EncodedString(), "\(object.name)")
        }
        #expect(read.count == sample.count)
        for (name, data) in read { #expect(data == originals[name], "\(name)") }
    }
}

/// The stores the end-to-end command tests run on: the embedded store always,
/// fake-gcs-server when `scripts/emulators start` exported it (or it is required).
let commandStores: [StoreKind] = [.local, .fakeGCS]
