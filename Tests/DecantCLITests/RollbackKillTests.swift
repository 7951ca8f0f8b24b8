#if canImport(Glibc)
import Glibc
#endif
import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// The real `decant` binary, killed with SIGKILL in the middle of a rollback (while
/// sources are being restored, or while copies are being removed), then run again:
/// after breaking the stale lock as its error says, the second run finishes, and the
/// environment is exactly as before the first apply.
@Suite(.serialized) struct RollbackKillTests {
    /// Where the rollback is killed: after the first action of this kind has finished.
    enum KillPoint: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case restoring = "restore_object"
        case removingCopies = "delete_copy"
        var testDescription: String { rawValue }
    }

    @Test(arguments: commandStores, KillPoint.allCases)
    func aRollbackKilledMidwayFinishesWhenRunAgain(_ kind: StoreKind, _ point: KillPoint) async throws {
        let repo = try await CLIRepo(kind, objects: 150, batchSize: 10)
        defer { repo.remove() }
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"]).code == 0)
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-28"]).code == 0)
        #expect(try await repo.records(repo.source, prefix: CLIRepo.migrated).isEmpty)

        let rollback = ["rollback", "--env", "dev", "--to", "0", "--auto-approve"]
        let killed = try await Child.run(in: repo.path, rollback + ["--json", "--parallelism", "1"]) { line in
            line.contains("\"event\":\"action_finished\"") && line.contains("\"id\":\"\(point.rawValue):")
        }
        #expect(killed.killed, "the rollback was still running when the kill point came")
        #expect(!killed.stdout.contains("\"event\":\"finished\""))
        #expect(try await repo.store.getBucket(repo.target) != nil, "killed before its last step")

        // The lock of the dead process stays; the error says how to break it.
        let locked = try await Child.run(in: repo.path, rollback)
        #expect(locked.status == 1)
        #expect(locked.stderr.contains("that process is gone (stale lock)"), "\(locked.stderr)")
        let id = try #require(Self.lockID(in: locked.stderr))
        let unlock = try await Child.run(in: repo.path, ["state", "unlock", "--env", "dev", id])
        #expect(unlock.status == 0, "\(unlock.stderr)")

        let finished = try await Child.run(in: repo.path, rollback)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout.contains("Rollback complete (state serial 4"))
        #expect(try await repo.contents(repo.source) == repo.originals, "every source back, byte for byte, once")
        try await repo.checkWithPythonClient()
        #expect(try await repo.store.getBucket(repo.target) == nil)
        #expect(try repo.code() == repo.originalCode)

        let history = await repo.run(["state", "history", "--env", "dev"])
        let runs = history.out.split(separator: "\n").map(String.init)
        #expect(runs.contains { $0.hasPrefix("3       rollback  ") && !$0.contains("succeeded") }, "\(history.out)")
        #expect(runs.contains { $0.hasPrefix("4       rollback  succeeded") })
        // Nothing done twice: the two runs together restored and removed each object once.
        let json = await repo.run(["state", "history", "--env", "dev", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let entries = try #require(document["runs"] as? [[String: Any]])
        func total(_ field: String) -> Int {
            entries.reduce(0) { $0 + (($1["ledger"] as? [String: Any])?[field] as? Int ?? 0) }
        }
        #expect(total("sources_restored") == repo.migratedOriginals.count)
        #expect(total("copies_removed") == repo.migratedOriginals.count)
        #expect(total("code_reverted") == 1)
        #expect(total("buckets_deleted") == 1)
        let nothing = await repo.run(["rollback", "--env", "dev", "--to", "0", "--plan-only"])
        #expect(nothing.out.contains("Nothing to roll back: everything recorded after serial 0 is undone already."))
    }

    static func lockID(in text: String) -> String? {
        guard let range = text.range(of: #"lock id [0-9A-Za-z-]+"#, options: .regularExpression) else { return nil }
        return String(text[range].dropFirst("lock id ".count))
    }

    /// `decant` as a child process in a directory.
    struct Child {
        var status: Int32
        var killed: Bool
        var stdout: String
        var stderr: String

        static var binary: String {
            get throws {
                let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                                  Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
                for directory in candidates {
                    let path = directory.appendingPathComponent("decant").path
                    if FileManager.default.isExecutableFile(atPath: path) { return path }
                }
                throw DecantMissing()
            }
        }

        /// Runs `decant ARGUMENTS`; with `killWhen`, sends SIGKILL as soon as a line of
        /// its standard output matches. Standard input is empty (not a terminal).
        static func run(in directory: String, _ arguments: [String],
                        killWhen: (@Sendable (String) -> Bool)? = nil) async throws -> Child {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try binary)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            process.standardInput = FileHandle.nullDevice
            let exited = AsyncStream<Void> { continuation in
                process.terminationHandler = { _ in continuation.yield(); continuation.finish() }
            }
            try process.run()
            // Blocking reads run on threads of their own: neither the test's executor nor
            // Dispatch's (few, on a small machine) worker threads, which URLSession needs.
            async let err = Self.collect(errors.fileHandleForReading, killWhen: nil, pid: process.processIdentifier)
            async let out = Self.collect(output.fileHandleForReading, killWhen: killWhen, pid: process.processIdentifier)
            let (stdout, sentKill) = await out
            let (stderr, _) = await err
            for await _ in exited {}
            return Child(status: process.terminationStatus, killed: sentKill && process.terminationReason == .uncaughtSignal
                                                                    && process.terminationStatus == SIGKILL,
                         stdout: stdout, stderr: stderr)
        }

        /// Reads `handle` to its end on a thread; kills `pid` at the first line `killWhen` matches.
        static func collect(_ handle: FileHandle, killWhen: (@Sendable (String) -> Bool)?, pid: Int32) async -> (String, Bool) {
            await withCheckedContinuation { continuation in
                Thread {
                    var text = Data()
                    var pending = Data()
                    var sent = false
                    while true {
                        let chunk = handle.availableData
                        if chunk.isEmpty { break }
                        text.append(chunk)
                        guard let killWhen, !sent else { continue }
                        pending.append(chunk)
                        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                            let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                            pending.removeSubrange(pending.startIndex...newline)
                            if killWhen(line) {
                                kill(pid, SIGKILL)
                                sent = true
                                break
                            }
                        }
                    }
                    continuation.resume(returning: (String(decoding: text, as: UTF8.self), sent))
                }.start()
            }
        }
    }

    struct DecantMissing: Error, CustomStringConvertible {
        var description: String { "decant was not found next to the test bundle (swift build --build-tests builds it)" }
    }
}
