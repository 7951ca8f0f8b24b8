import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// A store (local or an emulator), the STS test server over it, a client of that
/// server, and a source and a target bucket.
struct TransferFixture {
    let harness: StoreHarness
    let server: TransferTestServer
    let client: TransferClient
    let source: String
    let target: String
    let events: Locked<[GCSEvent]>
    static let project = "decant-test-project"
    /// Polls as fast as the server answers (each poll is one step of the operation).
    static let eagerPolling = TransferPollPolicy(initialInterval: 0, maximumInterval: 0, sleep: { _ in })

    static func make(_ kind: StoreKind, objectsPerStep: Int = 2, maxActiveOperations: Int = 200) async throws -> TransferFixture {
        let harness = try StoreHarness.make(kind)
        let server = try TransferTestServer(store: harness.store, options: .init(objectsPerStep: objectsPerStep,
                                                                                 maxActiveOperations: maxActiveOperations))
        let events = Locked<[GCSEvent]>([])
        let source = try await harness.bucket(), target = try await harness.bucket()
        return TransferFixture(harness: harness, server: server, client: client(server, events: events), source: source,
                               target: target, events: events)
    }

    /// Another client of the same server (a second process after a kill).
    static func client(_ server: TransferTestServer, events: Locked<[GCSEvent]>? = nil) -> TransferClient {
        var observer: (@Sendable (GCSEvent) -> Void)?
        if let events { observer = { event in events.withLock { $0.append(event) } } }
        return TransferClient(endpoint: server.endpoint, projectId: project, tokens: nil,
                              transport: HTTPTransports.standard(maxConnectionsPerHost: 4), retry: StoreHarness.fastRetry,
                              quotas: .unlimited, observer: observer)
    }

    func tearDown() {
        server.stop()
        harness.tearDown()
    }

    /// Uploads `objects` (name → content) to the source bucket.
    @discardableResult
    func seed(_ objects: [String: String], bucket: String? = nil) async throws -> [String: ObjectRecord] {
        var records: [String: ObjectRecord] = [:]
        for (name, content) in objects.sorted(by: { $0.key < $1.key }) {
            records[name] = try await harness.store.upload(bucket ?? source, name, data: Data(content.utf8), ifGenerationMatch: nil,
                                                           contentType: "text/plain", metadata: nil)
        }
        return records
    }

    /// A job from `source`/`sourcePath` to `target`/`sinkPath`.
    func job(_ migration: String = "historization", mapping: Int = 0, sourcePath: String = "historization/",
             sinkPath: String = "archives/", include: [String]? = nil, exclude: [String]? = nil,
             options: TransferOptions? = nil, manifest: String? = nil) -> TransferJob {
        let conditions = include == nil && exclude == nil ? nil : ObjectConditions(includePrefixes: include, excludePrefixes: exclude)
        return TransferJob(name: TransferJobName.make(lineage: "lineage-" + source, migration: migration, mapping: mapping),
                           description: "decant test", projectId: Self.project,
                           transferSpec: TransferSpec(gcsDataSource: GCSData(bucketName: source, path: sourcePath),
                                                      gcsDataSink: GCSData(bucketName: target, path: sinkPath),
                                                      objectConditions: conditions, transferOptions: options,
                                                      transferManifest: manifest.map(TransferManifest.init)))
    }

    /// Every object of a bucket (under `prefix`), by name.
    func list(_ bucket: String, prefix: String = "") async throws -> [String: ObjectRecord] {
        let objects = try await harness.store.listObjects(bucket, ListOptions(prefix: prefix)).all()
        return Dictionary(uniqueKeysWithValues: objects.map { ($0.name, $0) })
    }

    /// Polls to the end, returning the operation and every status seen on the way.
    func finish(_ operation: String, with client: TransferClient? = nil) async throws -> (LongRunningOperation, [TransferOperationStatus]) {
        let seen = Locked<[TransferOperationStatus]>([])
        let done = try await (client ?? self.client).waitUntilDone(operation, poll: Self.eagerPolling) { operation in
            seen.withLock { $0.append(operation.metadata?.status ?? .unspecified) }
        }
        return (done, seen.current)
    }

    /// Creates the job, runs it and polls the operation to its end.
    func createRunAndFinish(_ job: TransferJob) async throws -> LongRunningOperation {
        _ = try await client.createJob(job)
        return try await finish(try await client.runJob(try #require(job.name)).name).0
    }
}
