import DecantCore
@testable import DecantState
import Foundation
import TestSupport

/// A state in a fresh temporary directory, removed when the test ends.
struct TempState {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory("decant-state")
        path = directory.url.appendingPathComponent("dev.db").path
    }

    func open(clock: any Clock = FixedClock(Date(timeIntervalSince1970: 1_790_000_000)),
              probe: ProcessProbe = .system) throws -> StateStore {
        try StateStore.open(path: path, clock: clock, probe: probe)
    }
}

extension ProcessProbe {
    /// Every process of this host is gone; other hosts cannot be probed.
    static let allDead = ProcessProbe { host, _ in host == HostIdentity.hostName ? false : nil }
    /// Every process of this host is alive; other hosts cannot be probed.
    static let allAlive = ProcessProbe { host, _ in host == HostIdentity.hostName ? true : nil }
}

/// A copy of `gs://data-bucket-dev/<name>` to `gs://archive-bucket-dev/archives/<name>`.
func copyRecord(_ name: String, generation: Int64 = 1, targetGeneration: Int64 = 100, size: Int64 = 10,
                sourceBucket: String = "data-bucket-dev", verified: Bool = false, adopted: Bool = false) -> CopyRecord {
    CopyRecord(key: CopyKey(sourceBucket: sourceBucket, sourceName: name, sourceGeneration: generation,
                            targetBucket: "archive-bucket-dev", targetName: "archives/\(name)"),
               migration: "historization",
               content: ContentIdentity(size: size, crc32c: "AAAAAA==", md5: "1B2M2Y8AsgTpgAmY7PhCfg=="),
               sourceCreated: Date(timeIntervalSince1970: 1_700_000_000), targetGeneration: targetGeneration,
               copiedAt: Date(timeIntervalSince1970: 1_790_000_000), adopted: adopted,
               verification: verified ? Verification(level: .checksum, at: Date(timeIntervalSince1970: 1_790_000_001)) : nil)
}

func action(_ id: String, kind: ActionKind = .copy, objects: [String] = []) -> Action {
    let items = objects.map {
        ObjectItem(source: ObjectRef(bucket: "data-bucket-dev", name: $0, generation: 1),
                   target: ObjectRef(bucket: "archive-bucket-dev", name: "archives/\($0)"),
                   content: ContentIdentity(size: 10, crc32c: "AAAAAA==", md5: nil))
    }
    return Action(id: ActionID(rawValue: id), kind: kind, migration: "historization", bucket: "archive-bucket-dev",
                  reason: .copyAbsent(objects: items.count, bytes: 10 * Int64(items.count),
                                      target: BucketPath(bucket: "archive-bucket-dev", prefix: "archives/")),
                  payload: .objects(items))
}

func filePermissions(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
