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
    /// What both the diff and the apply benchmark plan: a store generating the
    /// listings (`copied` of the `sources` already in the target), a real state file
    /// in `directory` with those copies recorded, one migration and the options.
    struct Fixture {
        let store: GeneratedStore
        let state: StateStore
        let clock: FixedClock
        let plan: Plan
        let options: PlanOptions
    }

    /// The fixture; with `writable`, copies into the target bucket succeed (see `GeneratedStore.Written`).
    static func fixture(sources: Int, copied: Int, directory: String, writable: Bool = false) async throws -> Fixture {
        let store = self.store(sources: sources, copied: copied, writable: writable)
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
        let (plan, options) = planAndOptions()
        return Fixture(store: store, state: state, clock: clock, plan: plan, options: options)
    }

    /// The generated store: `sources` objects in the source bucket, the copies of the
    /// first `copied` in the target; with `writable`, room for a copy of every source.
    static func store(sources: Int, copied: Int, writable: Bool) -> GeneratedStore {
        GeneratedStore(buckets: ["source-bucket": (sources, sourceRecord), "target-bucket": (copied, targetRecord)],
                       written: writable ? GeneratedStore.Written(bucket: "target-bucket", capacity: sources,
                                                                  index: objectIndex, make: writtenRecord) : nil)
    }

    /// The one migration every benchmark plans, and how (costed unless `DECANT_BENCH_NO_COST=1`).
    static func planAndOptions() -> (Plan, PlanOptions) {
        let plan = Plan(environment: "bench", storage: .local(root: "unused"), state: .local(path: "unused"),
                        buckets: [BucketSpec(key: "target", name: "target-bucket")],
                        migrations: [Migration(key: "events", source: BucketPath(bucket: "source-bucket", prefix: "events/"),
                                               target: BucketPath(bucket: "target-bucket", prefix: "archive/"), batchSize: 2000)])
        let costed = ProcessInfo.processInfo.environment["DECANT_BENCH_NO_COST"] != "1"
        return (plan, PlanOptions(computeLeftovers: false, pricing: costed ? PricingLoader.pricing(nil).pricing : nil))
    }

    static func run(sources: Int, copied: Int, directory: String) async throws {
        let fixture = try await fixture(sources: sources, copied: copied, directory: directory)
        let (store, state, clock, plan, options) = (fixture.store, fixture.state, fixture.clock, fixture.plan, fixture.options)
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
    static func generationCPU(_ store: GeneratedStore, _ bucket: String, prefix: String, count expected: Int? = nil) async throws -> Double {
        let before = cpuSeconds()
        var count = 0
        for try await page in store.listObjects(bucket, ListOptions(prefix: prefix)) { count += page.objects.count }
        precondition(count == expected ?? store.buckets[bucket]?.count)
        return cpuSeconds() - before
    }

    /// The number a source or target name ends in (`.../part-NNNNNNN.parquet`), nil for any other name.
    @Sendable static func objectIndex(_ name: String) -> Int? {
        guard name.hasSuffix(".parquet"), let dash = name.utf8.lastIndex(of: UInt8(ascii: "-")) else { return nil }
        return Int(name[name.utf8.index(after: dash)..<name.utf8.index(name.endIndex, offsetBy: -8)])
    }

    /// Target `i` as a copy made during the benchmark left it: the source's
    /// content, a generation no listed object has.
    static func writtenRecord(_ i: Int) -> ObjectRecord {
        var r = targetRecord(i)
        r.generation = 20_000_000 + Int64(i)
        return r
    }

    static func record(_ name: String, _ i: Int) -> ObjectRecord {
        // Checksums as GCS gives them: base64 of 4 and 16 bytes (a saved plan stores them binary).
        // DECANT_BENCH_SHORT_SUMS=1: the short stand-ins of earlier runs (inline strings), to compare with them.
        let (crc32c, md5) = shortSums ? ("AAAA\(i % 1000)==", "md5-\(i % 1000)") : checksums[i % checksums.count]
        return ObjectRecord(name: name, size: 4096, generation: 1_000_000 + Int64(i), crc32c: crc32c, md5: md5,
                            timeCreated: Date(timeIntervalSince1970: 1_700_000_000), storageClass: .standard)
    }

    static let shortSums = ProcessInfo.processInfo.environment["DECANT_BENCH_SHORT_SUMS"] == "1"

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

/// Listings generated on demand, 1,000 objects a page, in name order: bucket `b`
/// holds `count` objects, object `i` being `make(i)`. Read-only, unless `written`
/// lets copies into one bucket succeed (the apply benchmark). Its endpoint can be
/// made to stop answering after a number of copies (`outage`, the resume benchmark).
final class GeneratedStore: ObjectStore {
    let buckets: [String: (count: Int, make: @Sendable (Int) -> ObjectRecord)]
    let written: Written?
    let outage = Outage()
    init(buckets: [String: (count: Int, make: @Sendable (Int) -> ObjectRecord)], written: Written? = nil) {
        self.buckets = buckets
        self.written = written
    }

    /// The endpoint dying part way through a run, as `EndpointHealth` reports it
    /// for GCS: once `stop(afterCopies:lostAnswers:)`'s copies are made, every call
    /// fails with `StoreError.unavailable` and `unavailable` says so (the Applier
    /// stops starting work). The first `lostAnswers` copies asked for after that
    /// are carried out but their answer is lost (they throw too): copies decant
    /// journaled and never heard back from. `restore()` brings the endpoint back.
    final class Outage: @unchecked Sendable {
        // All of it only under `lock`: copies run concurrently.
        private let lock = NSLock()
        private var limit: Int?
        private var lostAnswers = 0
        private var down = false
        private(set) var made = 0, lost = 0, refused = 0

        enum Answer { case copy, copyAndLoseAnswer, refuse }

        func stop(afterCopies limit: Int, lostAnswers: Int) {
            lock.withLock { (self.limit, self.lostAnswers) = (limit, lostAnswers) }
        }
        func restore() { lock.withLock { (limit, down) = (nil, false) } }
        var isDown: Bool { lock.withLock { down } }
        var counts: (made: Int, lost: Int, refused: Int) { lock.withLock { (made, lost, refused) } }

        /// What happens to the next copy asked for.
        func admit() -> Answer {
            lock.withLock {
                if let limit, made >= limit { down = true }
                guard down else {
                    made += 1
                    return .copy
                }
                if lost < lostAnswers {
                    lost += 1
                    return .copyAndLoseAnswer
                }
                refused += 1
                return .refuse
            }
        }
        /// Every call but a copy: fails while the endpoint is down.
        func check() throws(StoreError) {
            if isDown { throw GeneratedStore.dead }
        }
    }
    static let dead = StoreError.unavailable(endpoint: "decant-bench", detail: "the benchmark store stopped answering")
    var unavailable: StoreError? { outage.isDown ? Self.dead : nil }

    /// Copies into `bucket` that succeed without storing anything: which of its
    /// objects (by the number `index` reads from a name, below `capacity`) were
    /// written is one bit each, and a written object is `make(i)` (the copied
    /// source's size and checksums, a generation of its own). Listings do not show
    /// written objects; `headObject` does.
    final class Written: @unchecked Sendable {
        // `bits` only under `lock`: copies run concurrently.
        let bucket: String
        let capacity: Int
        let index: @Sendable (String) -> Int?
        let make: @Sendable (Int) -> ObjectRecord
        private let lock = NSLock()
        private var bits: [UInt64]
        init(bucket: String, capacity: Int, index: @escaping @Sendable (String) -> Int?, make: @escaping @Sendable (Int) -> ObjectRecord) {
            (self.bucket, self.capacity, self.index, self.make) = (bucket, capacity, index, make)
            bits = [UInt64](repeating: 0, count: (capacity + 63) / 64)
        }
        /// What the record of which objects were written occupies.
        var bytes: Int { bits.count * 8 }
        var count: Int { lock.withLock { bits.reduce(0) { $0 + $1.nonzeroBitCount } } }
        func contains(_ i: Int) -> Bool { lock.withLock { bits[i / 64] & (1 << UInt64(i % 64)) != 0 } }
        /// Whether each of `range` was written, under one lock (a listing page).
        func contains(_ range: Range<Int>) -> [Bool] {
            lock.withLock { range.map { $0 < capacity && bits[$0 / 64] & (1 << UInt64($0 % 64)) != 0 } }
        }
        /// The written bits, to a file: what a later process's store starts from
        /// (`decant-bench resume-finish`, the resume in a process of its own).
        func save(to path: String) throws {
            let data = lock.withLock { bits.withUnsafeBytes { Data($0) } }
            try data.write(to: URL(fileURLWithPath: path))
        }
        /// Marks written what `save(to:)` wrote.
        func load(from path: String) throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try lock.withLock {
                guard data.count == bits.count * 8 else { throw BenchError("\(path) holds \(data.count) bytes, not \(bits.count * 8)") }
                bits.withUnsafeMutableBytes { _ = data.copyBytes(to: $0) }
            }
        }
        /// Marks `i` written unless it is already; false if it was.
        func insert(_ i: Int) -> Bool {
            lock.withLock {
                let mask: UInt64 = 1 << UInt64(i % 64)
                defer { bits[i / 64] |= mask }
                return bits[i / 64] & mask == 0
            }
        }
    }
    var capabilities: StoreCapabilities { .full }

    func getBucket(_ name: String) async throws(StoreError) -> BucketInfo? {
        try outage.check()
        // A location the built-in price table has, so that costing runs in full.
        return buckets[name] == nil ? nil : BucketInfo(name: name, settings: BucketSettings(location: "EUROPE-WEST1", storageClass: .standard))
    }
    func listObjects(_ bucket: String, _ options: ListOptions) -> ObjectPages {
        let (count, make) = buckets[bucket] ?? (0, { _ in ObjectRecord(name: "", size: 0, generation: 0) })
        let outage = self.outage
        let written = written?.bucket == bucket ? written : nil
        return ObjectPages {
            let cursor = Cursor(count: count, make: make, prefix: options.prefix, written: written)
            return { () async throws(StoreError) -> ObjectPage? in
                try outage.check()
                return cursor.next()
            }
        }
    }
    /// Object `i` is listed if `i < count` or a copy wrote it (then as the copy wrote it).
    final class Cursor: @unchecked Sendable {
        // Used by one listing, one page at a time, from one task.
        let count: Int
        let make: @Sendable (Int) -> ObjectRecord
        let prefix: String
        let written: Written?
        var position = 0
        init(count: Int, make: @escaping @Sendable (Int) -> ObjectRecord, prefix: String, written: Written?) {
            (self.count, self.make, self.prefix, self.written) = (count, make, prefix, written)
        }
        func next() -> ObjectPage? {
            let end = max(count, written?.capacity ?? 0)
            guard position < end else { return nil }
            let range = position..<min(position + 1000, end)
            position = range.upperBound
            guard let written else { return ObjectPage(objects: range.map(make).filter { $0.name.hasPrefix(prefix) }) }
            let wrote = written.contains(range)
            return ObjectPage(objects: range.compactMap { i -> ObjectRecord? in
                if wrote[i - range.lowerBound] { return written.make(i) }
                return i < count ? make(i) : nil
            }.filter { $0.name.hasPrefix(prefix) })
        }
    }
    func createBucket(_ name: String, project: String?, settings: BucketSettings) async throws(StoreError) -> BucketInfo { throw readOnly }
    func patchBucket(_ name: String, _ patch: BucketPatch, ifMetagenerationMatch: Int64?) async throws(StoreError) -> BucketInfo { throw readOnly }
    func deleteBucket(_ name: String) async throws(StoreError) { throw readOnly }
    /// The object as a listing shows it, or as a copy wrote it; nil for any other
    /// name or generation. (Without `written`: always nil, as the diff benchmark
    /// always had it.)
    func headObject(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> ObjectRecord? {
        guard let written else { return nil }
        try outage.check()
        let live = current(bucket, name, written: written)
        return generation == nil || live?.generation == generation ? live : nil
    }

    private func current(_ bucket: String, _ name: String, written: Written) -> ObjectRecord? {
        guard let (count, make) = buckets[bucket], let i = written.index(name) else { return nil }
        if bucket == written.bucket, i < written.capacity, written.contains(i) { return written.make(i) }
        guard i < count else { return nil }
        let record = make(i)
        return record.name == name ? record : nil
    }

    /// With `written`, a copy into its bucket under the same preconditions as GCS
    /// (the source generation, the target's generation or absence): the target's
    /// record is the source's content at a new generation. Nothing else is written.
    func copyObject(_ request: CopyRequest) async throws(StoreError) -> ObjectRecord {
        guard let written, request.targetBucket == written.bucket else { throw readOnly }
        let answer = outage.admit()
        if answer == .refuse { throw Self.dead }
        guard let source = current(request.sourceBucket, request.sourceName, written: written),
              request.sourceGeneration == nil || request.sourceGeneration == source.generation else {
            throw .notFound(bucket: request.sourceBucket, object: request.sourceName)
        }
        guard let i = written.index(request.targetName), i < written.capacity else {
            throw .invalid(bucket: request.targetBucket, object: request.targetName, detail: "not a name the benchmark store can hold")
        }
        let existing = current(request.targetBucket, request.targetName, written: written)
        if let expected = request.ifTargetGenerationMatch, expected != (existing?.generation ?? 0) {
            throw .preconditionFailed(bucket: request.targetBucket, object: request.targetName, detail: "ifGenerationMatch \(expected)")
        }
        // Written targets are remembered by number only: target i can hold source i's content alone.
        var target = written.make(i)
        guard written.index(request.sourceName) == i, target.name == request.targetName else {
            throw .invalid(bucket: request.targetBucket, object: request.targetName, detail: "the benchmark store copies source i to target i only")
        }
        _ = written.insert(i)
        if answer == .copyAndLoseAnswer { throw Self.dead }
        if let storageClass = request.storageClass { target.storageClass = storageClass }
        return target
    }
    func deleteObject(_ bucket: String, _ name: String, ifGenerationMatch: Int64?) async throws(StoreError) { throw readOnly }
    func upload(_ bucket: String, _ name: String, data: Data, ifGenerationMatch: Int64?, contentType: String?,
                metadata: [String: String]?) async throws(StoreError) -> ObjectRecord { throw readOnly }
    func download(_ bucket: String, _ name: String, generation: Int64?) async throws(StoreError) -> (Data, ObjectRecord) { throw readOnly }
    /// A bucket with no bucket-level grants: what the planner's access check reads of every source.
    func bucketIAMPolicy(_ bucket: String) async throws(StoreError) -> IAMPolicy { IAMPolicy(bindings: [], etag: "bench") }
    func setBucketIAMPolicy(_ bucket: String, _ policy: IAMPolicy, ifMatchEtag: String?) async throws(StoreError) -> IAMPolicy { throw readOnly }
    var readOnly: StoreError { .invalid(bucket: nil, object: nil, detail: "the benchmark store is read-only") }
}
