import DecantCore
@testable import DecantState
import Foundation
import Testing
import TestSupport

@Suite struct LocalBackendTests {
    func holder(_ operation: String = "apply") -> LockInfo { LockInfo.current(operation: operation) }

    @Test func aSecondAcquireFailsNamingTheHolder() async throws {
        let directory = try TemporaryDirectory("decant-lock")
        defer { directory.remove() }
        let backend = LocalStateBackend(directory: directory.url.appendingPathComponent("state").path)
        let first = holder()
        let lease = try await backend.acquire(environment: "dev", holder: first)
        #expect(lease.isNew)
        #expect(lease.databasePath.hasSuffix("state/dev.db"))
        #expect(try filePermissions(lease.databasePath + ".lock") == 0o600)
        #expect(try await backend.currentLock(environment: "dev") == first)

        do {
            _ = try await backend.acquire(environment: "dev", holder: holder())
            Issue.record("a second acquire must fail")
        } catch {
            #expect(error == .locked(location: lease.databasePath + ".lock", holder: first, stale: false))
            let message = error.errorDescription ?? ""
            #expect(message.contains(first.id) && message.contains(first.who) && message.contains("pid \(first.pid)"))
        }
        // Another environment is another lock.
        let stg = try await backend.acquire(environment: "stg", holder: holder())
        try await backend.release(stg)

        let store = try StateStore.open(path: lease.databasePath)
        _ = try await store.beginRun(kind: .apply, planDigest: nil)
        try await backend.persist(lease, store: store)
        await store.close()
        try await backend.release(lease)
        #expect(try await backend.currentLock(environment: "dev") == nil)
        let again = try await backend.acquire(environment: "dev", holder: holder())
        #expect(!again.isNew)
        try await backend.release(again)
    }

    @Test func aStaleLockIsReportedButNeverTakenOver() async throws {
        let directory = try TemporaryDirectory("decant-lock")
        defer { directory.remove() }
        let backend = LocalStateBackend(directory: directory.path)
        let deadPID = try finishedProcessID()
        let stale = LockInfo(who: "ci@\(HostIdentity.hostName)", host: HostIdentity.hostName, pid: deadPID,
                             operation: "apply", created: Date(timeIntervalSince1970: 1_790_000_000))
        let lockPath = directory.url.appendingPathComponent("dev.db.lock").path
        try stale.encoded().write(to: URL(fileURLWithPath: lockPath))

        for _ in 0..<2 {
            await #expect(throws: StateError.locked(location: lockPath, holder: stale, stale: true)) {
                _ = try await backend.acquire(environment: "dev", holder: holder())
            }
        }
        #expect(try await backend.currentLock(environment: "dev") == stale, "the stale lock is left in place")
        let message = StateError.locked(location: lockPath, holder: stale, stale: true).errorDescription ?? ""
        #expect(message.contains("stale") && message.contains("decant state unlock --env ENV \(stale.id)"))

        await #expect(throws: StateError.lockIDMismatch(location: lockPath, given: "not-the-id", holder: stale)) {
            try await backend.unlock(environment: "dev", id: "not-the-id")
        }
        #expect(try await backend.currentLock(environment: "dev") == stale)
        try await backend.unlock(environment: "dev", id: stale.id)
        #expect(try await backend.currentLock(environment: "dev") == nil)
        await #expect(throws: StateError.notLocked(location: lockPath)) { try await backend.unlock(environment: "dev", id: stale.id) }
        try await backend.release(try await backend.acquire(environment: "dev", holder: holder()))
    }

    @Test func aLockFromAnotherHostCannotBeJudged() async throws {
        let directory = try TemporaryDirectory("decant-lock")
        defer { directory.remove() }
        let backend = LocalStateBackend(directory: directory.path)
        let remote = LockInfo(who: "ci@runner-7", host: "runner-7", pid: 12, operation: "apply", created: Date(timeIntervalSince1970: 0))
        let lockPath = directory.url.appendingPathComponent("dev.db.lock").path
        try remote.encoded().write(to: URL(fileURLWithPath: lockPath))
        await #expect(throws: StateError.locked(location: lockPath, holder: remote, stale: nil)) {
            _ = try await backend.acquire(environment: "dev", holder: holder())
        }
        try Data("{half a lock".utf8).write(to: URL(fileURLWithPath: lockPath))
        await #expect(throws: StateError.self) { _ = try await backend.acquire(environment: "dev", holder: holder()) }
        #expect(FileManager.default.fileExists(atPath: lockPath))
    }

    @Test func aForcedUnlockIsNoticedByTheFormerHolder() async throws {
        let directory = try TemporaryDirectory("decant-lock")
        defer { directory.remove() }
        let backend = LocalStateBackend(directory: directory.path)
        let lease = try await backend.acquire(environment: "dev", holder: holder())
        let store = try StateStore.open(path: lease.databasePath)
        try await backend.unlock(environment: "dev", id: lease.lock.id)
        await #expect(throws: StateError.lockLost(location: lease.location, id: lease.lock.id)) {
            try await backend.persist(lease, store: store)
        }
        await #expect(throws: StateError.lockLost(location: lease.location, id: lease.lock.id)) { try await backend.release(lease) }
    }

    @Test func lockInfoHoldsNoCredentials() throws {
        let info = LockInfo.current(operation: "apply --token ya29.a0SECRET")
        #expect(!info.operation.contains("ya29"))
        let json = try #require(try JSONSerialization.jsonObject(with: info.encoded()) as? [String: Any])
        #expect(Set(json.keys) == ["id", "who", "host", "pid", "operation", "created", "version"])
        #expect(LockInfo.decode(try info.encoded()) == info)
    }

    @Test func environmentNamesCannotEscapeTheStateDirectory() async throws {
        let backend = LocalStateBackend(directory: "/nonexistent")
        for name in ["../prod", "a/b", "", ".hidden"] {
            await #expect(throws: StateError.invalidEnvironment(name)) { _ = try await backend.acquire(environment: name, holder: holder()) }
        }
    }

    /// Exclusion between two processes: while decant holds the lock, another process
    /// taking it the same ways (O_EXCL create, flock) fails; while another process
    /// holds it, decant names that process, then calls it stale once it is killed,
    /// and only `unlock` with its id frees it.
    @Test func exclusionHoldsAcrossProcesses() async throws {
        let directory = try TemporaryDirectory("decant-lock")
        defer { directory.remove() }
        let backend = LocalStateBackend(directory: directory.path)
        let lockPath = directory.url.appendingPathComponent("dev.db.lock").path

        let lease = try await backend.acquire(environment: "dev", holder: holder())
        #expect(try runProcess(["sh", "-c", "set -C; : > \"$1\"", "sh", lockPath]) != 0, "O_EXCL create must fail")
        #expect(try runProcess(["flock", "--nonblock", "--exclusive", lockPath, "true"]) == 1, "flock must be held")
        try await backend.release(lease)

        let childID = UUID().uuidString.lowercased()
        let script = """
            set -C
            printf '{"id":"%s","who":"child@%s","host":"%s","pid":%d,"operation":"apply","created":"2026-11-20T10:00:00.000Z","version":"0.1.0"}' "$2" "$3" "$3" $$ > "$1" || exit 3
            exec 9<"$1"
            flock --exclusive --nonblock 9 || exit 4
            echo ready
            exec sleep 60
            """
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["sh", "-c", script, "sh", lockPath, childID, HostIdentity.hostName]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        defer { if child.isRunning { child.terminate() } }
        let ready = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        try #require(ready.contains("ready"), "the child could not take the lock")

        do {
            _ = try await backend.acquire(environment: "dev", holder: holder())
            Issue.record("the child holds the lock")
        } catch {
            guard case let .locked(_, holderInfo, stale) = error else { throw error }
            #expect(holderInfo.id == childID)
            #expect(holderInfo.pid == child.processIdentifier)
            #expect(stale == false)
        }

        child.terminate()
        await OffPool.run { child.waitUntilExit() }
        do {
            _ = try await backend.acquire(environment: "dev", holder: holder())
            Issue.record("a stale lock must not be taken over")
        } catch {
            guard case let .locked(_, holderInfo, stale) = error else { throw error }
            #expect(holderInfo.id == childID)
            #expect(stale == true)
        }
        await #expect(throws: StateError.self) { try await backend.unlock(environment: "dev", id: UUID().uuidString) }
        try await backend.unlock(environment: "dev", id: childID)
        try await backend.release(try await backend.acquire(environment: "dev", holder: holder()))
    }
}

/// Runs a command through `/usr/bin/env` and returns its exit status.
func runProcess(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// The pid of a process that has already exited.
func finishedProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["true"]
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}
