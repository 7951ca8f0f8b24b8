import DecantCore
import DecantEngine
import DecantState
import DecantStorage
import Foundation

/// Planning CPU without the store's own listing cost: the source and target
/// listings are built in memory first and handed out page by page, the ledger
/// is a real state file. What remains is diffing (merge, classification, ledger
/// merge) and building the graph.
enum DiffBenchmark {
    static func run(sources: Int, copied: Int, directory: String) async throws {
        let sourceRecords = (0..<sources).map { record("events/\(String(format: "%04d/part-%07d", $0 / 1000, $0)).parquet", $0) }
        let targetRecords = (0..<copied).map { i -> ObjectRecord in
            var r = record("archive/\(String(format: "%04d/part-%07d", i / 1000, i)).parquet", i)
            r.generation = 2_000_000 + Int64(i)
            return r
        }
        let store = ArrayStore(buckets: ["source-bucket": sourceRecords, "target-bucket": targetRecords])
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let clock = FixedClock(CalendarDay("2026-11-20")!.startDate)
        let state = try StateStore.open(path: directory + "/bench.db", clock: clock)
        let serial = try await state.beginRun(kind: .apply, planDigest: nil)
        for start in stride(from: 0, to: copied, by: 10_000) {
            let rows = (start..<min(start + 10_000, copied)).map { i in
                CopyRecord(key: CopyKey(sourceBucket: "source-bucket", sourceName: sourceRecords[i].name, sourceGeneration: sourceRecords[i].generation,
                                        targetBucket: "target-bucket", targetName: targetRecords[i].name),
                           migration: "events", content: ContentIdentity(sourceRecords[i]), targetGeneration: targetRecords[i].generation,
                           copiedAt: clock.now(), verification: Verification(level: .checksum, at: clock.now()))
            }
            _ = try await state.recordCopies(rows, serial: serial)
        }
        try await state.finishRun(serial: serial, status: .succeeded)
        let plan = Plan(environment: "bench", storage: .local(root: "unused"), state: .local(path: "unused"),
                        buckets: [BucketSpec(key: "target", name: "target-bucket")],
                        migrations: [Migration(key: "events", source: BucketPath(bucket: "source-bucket", prefix: "events/"),
                                               target: BucketPath(bucket: "target-bucket", prefix: "archive/"), batchSize: 2000)])
        // DECANT_BENCH_REPEAT plans again first (to profile the planning phase alone).
        for _ in 0..<(Int(ProcessInfo.processInfo.environment["DECANT_BENCH_REPEAT"] ?? "") ?? 0) {
            _ = try await Planner(store: store, state: state, clock: clock).plan(plan, options: PlanOptions(computeLeftovers: false))
        }
        let before = cpuSeconds()
        let started = Date()
        let (changes, statistics) = try await Planner(store: store, state: state, clock: clock).planMeasured(plan, options: PlanOptions(computeLeftovers: false))
        let cpu = cpuSeconds() - before
        print(String(format: "diff: %d sources against %d copied: %.2f s CPU, %.2f s wall (%@); %d to copy, %d in sync",
                     sources, copied, cpu, Date().timeIntervalSince(started), statistics.description,
                     changes.summary.copy.objects, changes.migrations.first?.inSync.objects ?? 0))
    }

    static func record(_ name: String, _ i: Int) -> ObjectRecord {
        ObjectRecord(name: name, size: 4096, generation: 1_000_000 + Int64(i), crc32c: "AAAA\(i % 1000)==",
                     md5: "md5-\(i % 1000)", timeCreated: Date(timeIntervalSince1970: 1_700_000_000),
                     storageClass: .standard)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

/// Listings served from memory, sorted, 1,000 per page (reads only).
final class ArrayStore: ObjectStore {
    let buckets: [String: [ObjectRecord]]
    init(buckets: [String: [ObjectRecord]]) { self.buckets = buckets.mapValues { $0.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) } } }
    var capabilities: StoreCapabilities { .full }

    func getBucket(_ name: String) async throws(StoreError) -> BucketInfo? {
        buckets[name] == nil ? nil : BucketInfo(name: name, settings: BucketSettings(location: "EU", storageClass: .standard))
    }
    func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages {
        let all = buckets[bucket] ?? []
        return ObjectPages {
            let cursor = Cursor(all.filter { $0.name.hasPrefix(options.prefix) })
            return { cursor.next() }
        }
    }
    final class Cursor: @unchecked Sendable {
        // Used by one listing, one page at a time, from one task.
        let records: [ObjectRecord]
        var position = 0
        init(_ records: [ObjectRecord]) { self.records = records }
        func next() -> ObjectPage? {
            guard position < records.count else { return nil }
            defer { position += 1000 }
            return ObjectPage(objects: Array(records[position..<min(position + 1000, records.count)]))
        }
    }
    func createBucket(_ name: String, project: String?, settings: BucketSettings) async throws(StoreError) -> BucketInfo { throw readOnly }
    func patchBucket(_ name: String, _ patch: BucketPatch, ifMetagenerationMatch: Int64?) async throws(StoreError) -> BucketInfo { throw readOnly }
    func deleteBucket(_ name: String) async throws(StoreError) { throw readOnly }
    func headObject(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> ObjectRecord? { nil }
    func copyObject(_ request: CopyRequest) async throws(StoreError) -> ObjectRecord { throw readOnly }
    func deleteObject(_ bucket: String, _ name: String, ifGenerationMatch: Int64?) async throws(StoreError) { throw readOnly }
    func upload(_ bucket: String, _ name: String, data: Data, ifGenerationMatch: Int64?, contentType: String?,
                metadata: [String: String]?) async throws(StoreError) -> ObjectRecord { throw readOnly }
    func download(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> (Data, ObjectRecord) { throw readOnly }
    func bucketIAMPolicy(_ bucket: String) async throws(StoreError) -> IAMPolicy { throw readOnly }
    func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy, ifMatchEtag: String?) async throws(StoreError) -> IAMPolicy { throw readOnly }
    var readOnly: StoreError { .invalid(bucket: nil, object: nil, detail: "the benchmark store is read-only") }
}
