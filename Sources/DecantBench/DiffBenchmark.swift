import DecantCore
import DecantEngine
import DecantPlanFile
import DecantState
import DecantStorage
import Foundation

/// Planning CPU and memory without the store's own listing cost: the source and
/// target listings are generated page by page as the planner asks for them (so
/// peak RSS is decant's, not the fixture's), the ledger is a real state file.
/// What remains is diffing (merge, classification, ledger merge), costing (the
/// tally every object adds to; `DECANT_BENCH_NO_COST=1` leaves it out, for
/// comparison) and building the graph.
enum DiffBenchmark {
    static func run(sources: Int, copied: Int, directory: String) async throws {
        let store = GeneratedStore(buckets: ["source-bucket": (sources, sourceRecord), "target-bucket": (copied, targetRecord)])
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let clock = FixedClock(CalendarDay("2026-11-20")!.startDate)
        let state = try StateStore.open(path: directory + "/bench.db", clock: clock)
        let serial = try await state.beginRun(kind: .apply, planDigest: nil)
        for start in stride(from: 0, to: copied, by: 10_000) {
            let rows = (start..<min(start + 10_000, copied)).map { i in
                let source = sourceRecord(i), target = targetRecord(i)
                return CopyRecord(key: CopyKey(sourceBucket: "source-bucket", sourceName: source.name, sourceGeneration: source.generation,
                                               targetBucket: "target-bucket", targetName: target.name),
                                  migration: "events", content: ContentIdentity(source), targetGeneration: target.generation,
                                  copiedAt: clock.now(), verification: Verification(level: .checksum, at: clock.now()))
            }
            _ = try await state.recordCopies(rows, serial: serial)
        }
        try await state.finishRun(serial: serial, status: .succeeded)
        let plan = Plan(environment: "bench", storage: .local(root: "unused"), state: .local(path: "unused"),
                        buckets: [BucketSpec(key: "target", name: "target-bucket")],
                        migrations: [Migration(key: "events", source: BucketPath(bucket: "source-bucket", prefix: "events/"),
                                               target: BucketPath(bucket: "target-bucket", prefix: "archive/"), batchSize: 2000)])
        let costed = ProcessInfo.processInfo.environment["DECANT_BENCH_NO_COST"] != "1"
        let options = PlanOptions(computeLeftovers: false, pricing: costed ? PricingLoader.pricing(nil).pricing : nil)
        // DECANT_BENCH_REPEAT plans again first (to profile the planning phase alone).
        for _ in 0..<(Int(ProcessInfo.processInfo.environment["DECANT_BENCH_REPEAT"] ?? "") ?? 0) {
            _ = try await Planner(store: store, state: state, clock: clock).plan(plan, options: options)
        }
        let fixtureCPU = try await generationCPU(store, "source-bucket", prefix: "events/")
            + generationCPU(store, "target-bucket", prefix: "archive/")
        let rssBefore = peakRSSMiB()
        let before = cpuSeconds()
        let started = Date()
        let (changes, statistics) = try await Planner(store: store, state: state, clock: clock).planMeasured(plan, options: options)
        let cpu = cpuSeconds() - before
        print(String(format: "diff: %d sources against %d copied: %.2f s CPU (%.2f µs an object) besides %.2f s generating the listings, %.2f s wall, peak RSS %.0f MiB (%.0f MiB before planning) (%@); %d to copy, %d in sync; %@",
                     sources, copied, cpu - fixtureCPU, (cpu - fixtureCPU) / Double(max(1, sources)) * 1e6, fixtureCPU,
                     Date().timeIntervalSince(started), peakRSSMiB(), rssBefore,
                     statistics.description, changes.summary.copy.objects, changes.migrations.first?.inSync.objects ?? 0,
                     changes.cost.map { "costed: \($0.total.monthlyBefore ?? -1) a month before" } ?? "not costed"))
        // DECANT_BENCH_SAVE=1: also write the saved plan (`plan --out`), streamed as the CLI writes it.
        if ProcessInfo.processInfo.environment["DECANT_BENCH_SAVE"] == "1" {
            let path = directory + "/bench.plan"
            let saveStarted = Date(), saveBefore = cpuSeconds()
            guard let file = FileHandle(forWritingAtPath: path) ?? {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                return FileHandle(forWritingAtPath: path)
            }() else { throw CocoaError(.fileWriteUnknown) }
            try SavedPlan(plan: plan, changes: changes).write { file.write(Data($0)) }
            try file.close()
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let objects = changes.summary.copy.objects + changes.summary.adopt.objects + changes.summary.delete.objects
            print(String(format: "save: %d objects listed in %.1f MB (%.1f bytes an object), %.2f s CPU, %.2f s wall, peak RSS %.0f MiB",
                         objects, Double(size) / 1e6, Double(size) / Double(max(1, objects)), cpuSeconds() - saveBefore,
                         Date().timeIntervalSince(saveStarted), peakRSSMiB()))
            let readStarted = Date(), readBefore = cpuSeconds()
            let read = try SavedPlan.read(from: path)
            print(String(format: "read: %d actions, %.2f s CPU, %.2f s wall, peak RSS %.0f MiB", read.changes.graph.count,
                         cpuSeconds() - readBefore, Date().timeIntervalSince(readStarted), peakRSSMiB()))
        }
    }

    /// Source object `i`: names sort as their numbers do up to 10,000,000.
    static func sourceRecord(_ i: Int) -> ObjectRecord {
        record("events/" + padded(i / 1000, 4) + "/part-" + padded(i, 7) + ".parquet", i)
    }

    /// The copy of source `i`.
    static func targetRecord(_ i: Int) -> ObjectRecord {
        var r = record("archive/" + padded(i / 1000, 4) + "/part-" + padded(i, 7) + ".parquet", i)
        r.generation = 2_000_000 + Int64(i)
        return r
    }

    /// `n` in `width` decimal digits, zero-padded (`String(format:)` costs more than the planner's work on a name).
    static func padded(_ n: Int, _ width: Int) -> String {
        String(unsafeUninitializedCapacity: width) { buffer in
            var n = n
            for index in stride(from: width - 1, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
            }
            return width
        }
    }

    /// CPU seconds to generate every page of `bucket` once: what planning spends
    /// in the fixture rather than in decant, subtracted from its CPU.
    static func generationCPU(_ store: GeneratedStore, _ bucket: String, prefix: String) async throws -> Double {
        let before = cpuSeconds()
        var count = 0
        for try await page in store.listObjects(bucket, ListOptions(prefix: prefix)) { count += page.objects.count }
        precondition(count == store.buckets[bucket]?.count)
        return cpuSeconds() - before
    }

    static func record(_ name: String, _ i: Int) -> ObjectRecord {
        // Checksums as GCS gives them: base64 of 4 and 16 bytes (a saved plan stores them binary).
        ObjectRecord(name: name, size: 4096, generation: 1_000_000 + Int64(i), crc32c: checksums[i % checksums.count].crc32c,
                     md5: checksums[i % checksums.count].md5, timeCreated: Date(timeIntervalSince1970: 1_700_000_000),
                     storageClass: .standard)
    }

    /// 997 distinct checksum pairs, made once (base64 per object would cost more than the planner's work on it).
    static let checksums: [(crc32c: String, md5: String)] = (0..<997).map { (k: Int) in
        let crc: [UInt8] = (0..<4).map { UInt8(truncatingIfNeeded: $0 &* 71 &+ k &* 13) }
        let md5: [UInt8] = (0..<16).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ k &* 101) }
        return (Data(crc).base64EncodedString(), Data(md5).base64EncodedString())
    }

    /// The process's peak resident set so far (Linux counts `ru_maxrss` in KiB).
    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

/// Listings generated on demand, 1,000 objects a page, in name order (reads only):
/// bucket `b` holds `count` objects, object `i` being `make(i)`.
final class GeneratedStore: ObjectStore {
    let buckets: [String: (count: Int, make: @Sendable (Int) -> ObjectRecord)]
    init(buckets: [String: (count: Int, make: @Sendable (Int) -> ObjectRecord)]) { self.buckets = buckets }
    var capabilities: StoreCapabilities { .full }

    func getBucket(_ name: String) async throws(StoreError) -> BucketInfo? {
        // A location the built-in price table has, so that costing runs in full.
        buckets[name] == nil ? nil : BucketInfo(name: name, settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .standard))
    }
    func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages {
        let (count, make) = buckets[bucket] ?? (0, { _ in ObjectRecord(name: "", size: 0, generation: 0) })
        return ObjectPages {
            let cursor = Cursor(count: count, make: make, prefix: options.prefix)
            return { cursor.next() }
        }
    }
    final class Cursor: @unchecked Sendable {
        // Used by one listing, one page at a time, from one task.
        let count: Int
        let make: @Sendable (Int) -> ObjectRecord
        let prefix: String
        var position = 0
        init(count: Int, make: @escaping @Sendable (Int) -> ObjectRecord, prefix: String) {
            (self.count, self.make, self.prefix) = (count, make, prefix)
        }
        func next() -> ObjectPage? {
            guard position < count else { return nil }
            defer { position += 1000 }
            return ObjectPage(objects: (position..<min(position + 1000, count)).map(make).filter { $0.name.hasPrefix(prefix) })
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
    /// A bucket with no bucket-level grants: what the planner's access check reads of every source.
    func bucketIAMPolicy(_ bucket: String) async throws(StoreError) -> IAMPolicy { IAMPolicy(bindings: [], etag: "bench") }
    func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy, ifMatchEtag: String?) async throws(StoreError) -> IAMPolicy { throw readOnly }
    var readOnly: StoreError { .invalid(bucket: nil, object: nil, detail: "the benchmark store is read-only") }
}
