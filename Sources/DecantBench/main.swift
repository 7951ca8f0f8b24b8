import DecantCore
import DecantState
import DecantStorage
import Foundation

// decant-bench: fixtures for the benchmarks in bench/ (not shipped, not used by decant).
//
//   decant-bench local-fill ROOT BUCKET PREFIX COUNT [SIZE]
//       COUNT objects of SIZE bytes (default 64) named PREFIX/NNNN/part-NNNNNNN.parquet
//       (1,000 per folder) in the local store at ROOT, created in batches.
//   decant-bench diff SOURCES COPIED DIR
//       planning CPU for SOURCES objects of which COPIED are copied and recorded,
//       with listings generated page by page (diffing and graph building only);
//       prints CPU, CPU per object and peak RSS.
//   decant-bench apply SOURCES COPIED DIR
//       the diff fixture's plan, then applied in-process (Applier) against a store
//       where copies succeed without bytes; every copy journaled, recorded and
//       verified in the real state in DIR. Prints the apply's CPU, CPU per object
//       copied, wall, the process's peak RSS and the RSS before applying.
//   decant-bench resume SOURCES COPIED DIR [FRACTION]
//       the apply benchmark's plan, applied until the store's endpoint stops answering
//       after FRACTION (default 0.5) of the copies (64 more made with their answer
//       lost); checks the run failed with that many copies made and recorded, then runs
//       `resume-finish DIR` in a new process.
//   decant-bench resume-finish DIR
//       the resume of what `resume` left in DIR, as `decant apply` run again: plans
//       and applies against the same state file, the endpoint answering again. Prints
//       what its plan listed, the copies and adoptions it planned, its CPU and this
//       process's peak RSS (the resume's alone); checks every source is then copied
//       once and verified in the ledger.
//   decant-bench scan ROOT
//       one code scan of the tree bench/scan/generate.py writes.
//   decant-bench ledger ROWS DB [bulk]
//       ROWS copies recorded in the ledger at DB in batches of 10,000 (with `bulk`, in
//       one recordVerifiedCopies call), then read back in key order; prints rows/s.
//   decant-bench schema
//       the state's schema as SQL: every migration StateStore.open applies, in
//       order (what bench/peers/sqlite_ledger.py creates its tables from).
//   decant-bench http-idle URL N
//       N concurrent GETs of URL (bench/probes/slow_server.py) through decant's
//       standard HTTP transport (`DECANT_HTTP=urlsession` for URLSession): the CPU
//       the client burns while it only waits; prints wall and CPU seconds.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("decant-bench: \(message)\n".utf8))
    exit(2)
}

let args = Array(CommandLine.arguments.dropFirst())
if args.first == "diff", args.count == 4, let sources = Int(args[1]), let copied = Int(args[2]) {
    do {
        try await DiffBenchmark.run(sources: sources, copied: copied, directory: args[3])
        exit(0)
    } catch {
        fail(String(describing: error))
    }
}
if args.first == "apply", args.count == 4, let sources = Int(args[1]), let copied = Int(args[2]), copied <= sources {
    do {
        try await ApplyBenchmark.run(sources: sources, copied: copied, directory: args[3])
        exit(0)
    } catch {
        fail(String(describing: error))
    }
}
if args.first == "resume", args.count == 4 || args.count == 5, let sources = Int(args[1]), let copied = Int(args[2]), copied <= sources {
    let fraction = args.count == 5 ? Double(args[4]) : 0.5
    guard let fraction, fraction > 0, fraction < 1 else { fail("resume: FRACTION is a number between 0 and 1") }
    do {
        try await ResumeBenchmark.run(sources: sources, copied: copied, directory: args[3], fraction: fraction)
        exit(0)
    } catch {
        fail(String(describing: error))
    }
}
if args.first == "resume-finish", args.count == 2 {
    do {
        try await ResumeBenchmark.finish(directory: args[1])
        exit(0)
    } catch {
        fail(String(describing: error))
    }
}
if args.first == "scan", args.count == 2 {
    do {
        try await ScanBenchmark.run(root: URL(fileURLWithPath: args[1]).standardizedFileURL.path)
        exit(0)
    } catch {
        fail(String(describing: error))
    }
}
if args.first == "ledger", args.count == 3 || (args.count == 4 && args[3] == "bulk"), let rows = Int(args[1]), rows > 0 {
    do {
        try await LedgerBenchmark.run(rows: rows, path: args[2], bulk: args.count == 4)
        exit(0)
    } catch {
        fail(String(describing: error))
    }
}
if args == ["schema"] {
    print(StateSchema.migrations.sorted { $0.version < $1.version }.map(\.sql).joined(separator: "\n"))
    exit(0)
}
if args.first == "http-idle", args.count == 3, let url = URL(string: args[1]), let n = Int(args[2]) {
    let transport = HTTPTransports.standard()
    let started = Date()
    var usage = rusage()
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<n { group.addTask { _ = try? await transport.send(HTTPRequest(method: "GET", url: url)) } }
    }
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    print(String(format: "%d requests: %.2f s wall, %.3f s CPU", n, Date().timeIntervalSince(started), cpu))
    exit(0)
}
guard args.first == "local-fill", args.count >= 5, let count = Int(args[4]) else {
    fail("usage: decant-bench local-fill ROOT BUCKET PREFIX COUNT [SIZE] | diff SOURCES COPIED DIR | apply SOURCES COPIED DIR | resume SOURCES COPIED DIR [FRACTION] | resume-finish DIR | scan ROOT | ledger ROWS DB [bulk] | schema | http-idle URL N")
}
let (root, bucket, prefix) = (args[1], args[2], args[3])
let size = args.count > 5 ? Int(args[5]) ?? 64 : 64
let store = LocalStore(root: root)
do {
    if try await store.getBucket(bucket) == nil {
        _ = try await store.createBucket(bucket, project: nil, settings: BucketSettings(location: "EUROPE-WEST1"))
    }
    let started = Date()
    for start in stride(from: 0, to: count, by: 5000) {
        let batch = (start..<min(start + 5000, count)).map { i -> (name: String, data: Data) in
            let name = String(format: "%@/%04d/part-%07d.parquet", prefix, i / 1000, i)
            var bytes = [UInt8](repeating: 0, count: size)
            var x = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
            for k in bytes.indices { x ^= x << 13; x ^= x >> 7; x ^= x << 17; bytes[k] = UInt8(truncatingIfNeeded: x) }
            return (name, Data(bytes))
        }
        _ = try await store.importObjects(bucket, batch)
    }
    print("filled gs://\(bucket)/\(prefix)/ with \(count) objects in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
} catch {
    fail(String(describing: error))
}
