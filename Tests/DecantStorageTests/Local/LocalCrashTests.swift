#if canImport(Glibc)
import Glibc
#endif
import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// Child processes (`decant-store-torture`) write, copy and delete in one bucket;
/// killed with SIGKILL at random moments or run side by side, they must leave a
/// store where every listed object's file holds exactly the recorded bytes.
@Suite(.serialized) struct LocalCrashTests {
    static var tortureBinary: String {
        get throws {
            let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                              Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            for directory in candidates {
                let path = directory.appendingPathComponent("decant-store-torture").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            throw TortureMissing()
        }
    }

    /// A running child; `waitUntilReady` returns once it has started writing.
    final class Child: @unchecked Sendable {
        // @unchecked: `process` and `output` are set in init and only used from
        // the test's own task afterwards.
        let process = Process()
        let output = Pipe()

        init(root: String, bucket: String, seed: Int, count: Int) throws {
            process.executableURL = URL(fileURLWithPath: try LocalCrashTests.tortureBinary)
            process.arguments = [root, bucket, String(seed), String(count)]
            process.standardOutput = output
            process.standardError = FileHandle.standardError
            try process.run()
        }

        func waitUntilReady() {
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("ready") {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                seen.append(chunk)
            }
        }

        func kill() {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func finish() -> Int32 {
            _ = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// Every listed object is backed by a file with its size and crc32c, and no
    /// stray file lies in the bucket's folder.
    static func checkConsistency(root: String, bucket: String) async throws {
        let store = LocalStore(root: root)
        let objects = try await store.listObjects(bucket, ListOptions()).all()
        for object in objects {
            let (data, _) = try await store.download(bucket, object.name, generation: nil)
            #expect(Int64(data.count) == object.size, "\(object.name)")
            #expect(CRC32C.base64(CRC32C.checksum(data)) == object.crc32c, "\(object.name)")
        }
        let listed = Set(objects.map(\.name))
        let directory = root + "/" + bucket
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasPrefix(".decant") { continue }
            let status = try #require(FileSystem.status(directory + "/" + relative))
            if !status.isDirectory { #expect(listed.contains(relative), "stray file \(relative)") }
        }
        #expect(FileSystem.list(directory + "/.decant/pending").isEmpty, "pending changes left after recovery")
    }

    @Test func killedWritersLeaveAConsistentStore() async throws {
        let directory = try TemporaryDirectory("decant-crash")
        defer { directory.remove() }
        let store = LocalStore(root: directory.path)
        _ = try await store.createBucket("crash", project: nil, settings: BucketSettings())
        var random = SplitMix64(seed: 20_251_124)
        var interrupted = 0
        for round in 0..<25 {
            let child = try Child(root: directory.path, bucket: "crash", seed: round, count: 1_000_000)
            let pause = UInt32(20_000 + random.next() % 150_000)
            await OffPool.run {
                child.waitUntilReady()
                usleep(pause)
                child.kill()
            }
            interrupted += FileSystem.list(directory.path + "/crash/.decant/pending").filter { !$0.hasPrefix(".") }.count
            try await LocalCrashTests.checkConsistency(root: directory.path, bucket: "crash")
        }
        #expect(try await store.listObjects("crash", ListOptions()).all().count > 0)
        print("crash test: 25 kills, \(interrupted) left a change half-done that recovery repaired")
    }

    @Test func processesWritingAtOnceStayConsistent() async throws {
        let directory = try TemporaryDirectory("decant-multi")
        defer { directory.remove() }
        let store = LocalStore(root: directory.path)
        _ = try await store.createBucket("multi", project: nil, settings: BucketSettings())
        let children = try (0..<3).map { try Child(root: directory.path, bucket: "multi", seed: 100 + $0, count: 300) }
        for child in children { #expect(await OffPool.run { child.finish() } == 0) }
        try await LocalCrashTests.checkConsistency(root: directory.path, bucket: "multi")
    }
}

/// Each crash point of a write, set up by hand, is repaired as the design says.
@Suite struct LocalRecoveryTests {
    /// A bucket with `name` at generation 1 holding "old".
    static func setUp(_ directory: TemporaryDirectory) async throws -> (LocalStore, BucketLayout, ObjectRecord) {
        let store = LocalStore(root: directory.path)
        _ = try await store.createBucket("recover", project: nil, settings: BucketSettings())
        let old = try await store.upload("recover", "obj", data: Data("old".utf8), ifGenerationMatch: nil, contentType: nil,
                                         metadata: nil)
        return (store, BucketLayout(root: directory.path, name: "recover"), old)
    }

    static func marker(_ layout: BucketLayout, _ change: PendingChange) throws {
        try JSONEncoder().encode(change).write(to: URL(fileURLWithPath: layout.pending + "/\(UUID().uuidString).json"))
    }

    static func newRow(_ generation: Int64, _ text: String) -> StoredObject {
        StoredObject(name: "obj", generation: generation, size: Int64(text.utf8.count),
                     crc32c: CRC32C.base64(CRC32C.checksum(Data(text.utf8))), md5: nil, timeCreated: generation,
                     updated: generation, customTime: nil, storageClass: "STANDARD", contentType: nil, metadata: nil,
                     blob: nil)
    }

    @Test func aWriteKilledAfterItsRenameIsCompleted() async throws {
        let directory = try TemporaryDirectory("decant-recover")
        defer { directory.remove() }
        let (_, layout, old) = try await LocalRecoveryTests.setUp(directory)
        // Killed between the rename and the commit: the file is new, the row old.
        let row = LocalRecoveryTests.newRow(old.generation + 10, "newer!")
        try LocalRecoveryTests.marker(layout, PendingChange(kind: .write, name: "obj", generation: row.generation,
                                                             temp: ".decant/tmp/gone", row: row))
        try Data("newer!".utf8).write(to: URL(fileURLWithPath: layout.objectPath("obj")))
        let reopened = LocalStore(root: directory.path)
        let head = try #require(try await reopened.headObject("recover", "obj", generation: nil))
        #expect(head.generation == row.generation)
        #expect(try await reopened.download("recover", "obj", generation: nil).0 == Data("newer!".utf8))
        let next = try await reopened.upload("recover", "obj", data: Data("x".utf8), ifGenerationMatch: nil,
                                             contentType: nil, metadata: nil)
        #expect(next.generation > row.generation, "the generation counter moved past the repaired write")
    }

    @Test func aWriteKilledBeforeItsRenameIsUndone() async throws {
        let directory = try TemporaryDirectory("decant-recover")
        defer { directory.remove() }
        let (_, layout, old) = try await LocalRecoveryTests.setUp(directory)
        let temp = layout.temp + "/pending-bytes"
        try Data("never".utf8).write(to: URL(fileURLWithPath: temp))
        let row = LocalRecoveryTests.newRow(old.generation + 10, "never")
        try LocalRecoveryTests.marker(layout, PendingChange(kind: .write, name: "obj", generation: row.generation,
                                                             temp: ".decant/tmp/pending-bytes", row: row))
        let reopened = LocalStore(root: directory.path)
        #expect(try await reopened.headObject("recover", "obj", generation: nil)?.generation == old.generation)
        #expect(try await reopened.download("recover", "obj", generation: nil).0 == Data("old".utf8))
        #expect(!FileManager.default.fileExists(atPath: temp))
        #expect(FileSystem.list(layout.pending).isEmpty)
    }

    @Test func aStaleMarkerOfACommittedWriteChangesNothing() async throws {
        let directory = try TemporaryDirectory("decant-recover")
        defer { directory.remove() }
        let (store, layout, old) = try await LocalRecoveryTests.setUp(directory)
        let newer = try await store.upload("recover", "obj", data: Data("newest".utf8), ifGenerationMatch: nil,
                                           contentType: nil, metadata: nil)
        // A marker of the first write, left by a process killed right after its commit.
        try LocalRecoveryTests.marker(layout, PendingChange(kind: .write, name: "obj", generation: old.generation,
                                                             temp: ".decant/tmp/gone",
                                                             row: LocalRecoveryTests.newRow(old.generation, "old")))
        let reopened = LocalStore(root: directory.path)
        #expect(try await reopened.headObject("recover", "obj", generation: nil)?.generation == newer.generation)
        #expect(try await reopened.download("recover", "obj", generation: nil).0 == Data("newest".utf8))
    }

    @Test func aDeleteKilledMidwayIsCompleted() async throws {
        let directory = try TemporaryDirectory("decant-recover")
        defer { directory.remove() }
        let (_, layout, old) = try await LocalRecoveryTests.setUp(directory)
        try LocalRecoveryTests.marker(layout, PendingChange(kind: .delete, name: "obj", generation: old.generation))
        try FileSystem.remove(layout.objectPath("obj"))
        let reopened = LocalStore(root: directory.path)
        #expect(try await reopened.headObject("recover", "obj", generation: nil) == nil)
        #expect(try await reopened.listObjects("recover", ListOptions()).all().isEmpty)
    }
}

struct TortureMissing: Error, CustomStringConvertible {
    var description: String { "decant-store-torture was not found next to the test bundle (swift build --build-tests builds it)" }
}
