import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// The issue's done-when checks against fake-gcs-server: thousands of objects
/// listed in pages and copied server-side by a bounded task group, directly and
/// through a proxy that fails 20% of requests, each result read back by the
/// official Python client. Serialized, so that the copy timings are not
/// those of fake-gcs-server busy with another test's uploads.
@Suite(.serialized) struct ScaleAgainstFakeGCSTests {
    static let width = 32

    struct Setup {
        var harness: StoreHarness
        var endpoint: URL
        var python: PythonClient
        var store: any ObjectStore { harness.store }
    }

    static func setUp() throws -> Setup {
        let harness = try StoreHarness.make(.fakeGCS)
        return Setup(harness: harness, endpoint: try #require(harness.endpoint), python: try Emulators.requirePython())
    }

    static func content(_ i: Int) -> Data {
        var data = Data(repeating: UInt8(truncatingIfNeeded: i), count: 4096)
        data.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(i).bigEndian) { Data($0) })
        return data
    }

    static func name(_ i: Int) -> String { String(format: "historization/part-%02d/object-%05d.bin", i % 20, i) }

    /// Uploads `count` 4 KiB objects and returns them by name.
    static func populate(_ store: any ObjectStore, _ bucket: String, count: Int) async throws -> [String: ObjectRecord] {
        let uploaded = Locked([String: ObjectRecord]())
        try await forEachConcurrently(Array(0..<count), width: width) { i in
            let record = try await store.upload(bucket, name(i), data: content(i), ifGenerationMatch: 0,
                                                contentType: "application/octet-stream", metadata: nil)
            uploaded.withLock { $0[record.name] = record }
        }
        return uploaded.current
    }

    /// Copies every source object to `archives/…` in `target`, `width` at a time.
    static func copyAll(_ store: any ObjectStore, _ sources: [String: ObjectRecord], from source: String,
                        to target: String) async throws -> [String: ObjectRecord] {
        let copied = Locked([String: ObjectRecord]())
        try await forEachConcurrently(Array(sources.values), width: width) { object in
            let request = CopyRequest(sourceBucket: source, sourceName: object.name, sourceGeneration: object.generation,
                                      targetBucket: target, targetName: "archives/" + object.name)
            let copy = try await store.copyObject(request)
            copied.withLock { $0[object.name] = copy }
        }
        return copied.current
    }

    /// The official client sees every copy, with the source's size and checksums.
    static func verifyWithPython(_ setup: Setup, _ sources: [String: ObjectRecord], target: String) async throws {
        let seen = try await setup.python.list(endpoint: setup.endpoint, bucket: target)
        #expect(seen.count == sources.count)
        let byName = Dictionary(seen.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var mismatches = 0
        for (name, source) in sources {
            guard let copy = byName["archives/" + name], copy.size == source.size, copy.crc32c == source.crc32c,
                  copy.md5Hash == source.md5 else {
                mismatches += 1
                continue
            }
        }
        #expect(mismatches == 0, "\(mismatches) copies differ from their sources")
    }

    @Test func fiveThousandObjectsAreListedInPages() async throws {
        let setup = try ScaleAgainstFakeGCSTests.setUp()
        let bucket = try await setup.harness.bucket()
        let uploaded = try await ScaleAgainstFakeGCSTests.populate(setup.store, bucket, count: 5000)
        let start = DispatchTime.now().uptimeNanoseconds
        var pages = 0
        var names: [String] = []
        for try await page in setup.store.listObjects(bucket, ListOptions(prefix: "historization/")) {
            #expect(page.objects.count <= 1000)
            pages += 1
            names += page.objects.map(\.name)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        #expect(pages >= 5)
        #expect(names == uploaded.keys.sorted())
        let listed = try await setup.store.listObjects(bucket, ListOptions(prefix: "historization/part-07/")).all()
        #expect(listed.count == 250)
        #expect(listed.allSatisfy { uploaded[$0.name]?.hasSameContent(as: $0) == true })
        print("fake-gcs-server: listed 5000 objects in \(pages) pages in \(String(format: "%.2f", seconds)) s "
              + "(\(Int(5000 / seconds)) objects/s)")
    }

    @Test func twoThousandServerSideCopies() async throws {
        let setup = try ScaleAgainstFakeGCSTests.setUp()
        let source = try await setup.harness.bucket()
        let target = try await setup.harness.bucket()
        let sources = try await ScaleAgainstFakeGCSTests.populate(setup.store, source, count: 2000)
        let cpu = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        let copies = try await ScaleAgainstFakeGCSTests.copyAll(setup.store, sources, from: source, to: target)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuPerThousand = (processCPUSeconds() - cpu) / 2
        #expect(copies.count == 2000)
        #expect(copies.allSatisfy { sources[$0.key]?.hasSameContent(as: $0.value) == true })
        try await ScaleAgainstFakeGCSTests.verifyWithPython(setup, sources, target: target)
        print("fake-gcs-server: 2000 copies, width \(ScaleAgainstFakeGCSTests.width), in \(String(format: "%.2f", seconds)) s "
              + "(\(Int(2000 / seconds)) copies/s); process CPU per 1000 copies \(String(format: "%.2f", cpuPerThousand)) s "
              + "(includes whatever else runs in this process)")
    }

    @Test func twoThousandCopiesThroughTwentyPercentFaults() async throws {
        let setup = try ScaleAgainstFakeGCSTests.setUp()
        let source = try await setup.harness.bucket()
        let target = try await setup.harness.bucket()
        let sources = try await ScaleAgainstFakeGCSTests.populate(setup.store, source, count: 2000)
        let proxy = try FaultInjectingProxy(upstream: setup.endpoint, faultRate: 0.2)
        defer { proxy.stop() }
        let retries = Locked(0)
        let faulty = GCSStore(endpoint: GCSEndpoint(baseURL: proxy.url, isEmulator: true), profile: .fakeGCSServer,
                              tokens: nil, transport: HTTPTransports.standard(maxConnectionsPerHost: 64),
                              retry: StoreHarness.fastRetry, observer: { _ in retries.withLock { $0 += 1 } })
        let copies = try await ScaleAgainstFakeGCSTests.copyAll(faulty, sources, from: source, to: target)
        #expect(copies.count == 2000)
        #expect(copies.allSatisfy { sources[$0.key]?.hasSameContent(as: $0.value) == true })
        try await ScaleAgainstFakeGCSTests.verifyWithPython(setup, sources, target: target)
        let counts = proxy.counts
        #expect(counts.tooManyRequests > 0 && counts.unavailable > 0 && counts.droppedAfterForwarding > 0)
        #expect(retries.current >= counts.faults)
        print("fault proxy: \(counts.requests) requests, \(counts.tooManyRequests) × 429, \(counts.unavailable) × 503, "
              + "\(counts.droppedAfterForwarding) dropped after forwarding; \(retries.current) retries")
    }
}
