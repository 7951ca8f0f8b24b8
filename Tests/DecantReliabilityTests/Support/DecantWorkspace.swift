import DecantSQLite
import Foundation
import TestSupport

/// A project directory for the real `decant`: `plans/plan.yaml`, the local store
/// under `store/` (when the plan uses one) and the state at `state/dev.db`.
struct DecantWorkspace: Sendable {
    let directory: TemporaryDirectory
    /// Added to the child's environment on every run.
    var environment: [String: String] = [:]

    var path: String { directory.path }
    var storePath: String { directory.url.appendingPathComponent("store").path }
    var statePath: String { directory.url.appendingPathComponent("state/dev.db").path }
    var lockPath: String { statePath + ".lock" }

    init(label: String, plan: String) throws {
        directory = try TemporaryDirectory(label)
        try directory.write("plans/plan.yaml", plan)
    }

    func remove() { directory.remove() }

    func writePlan(_ text: String) throws { try directory.write("plans/plan.yaml", text) }

    /// Starts `decant ARGUMENTS` here, without waiting.
    func start(_ arguments: [String]) throws -> DecantProcess {
        try DecantProcess(arguments, in: path, environment: environment)
    }

    /// Runs `decant ARGUMENTS` here to the end.
    func decant(_ arguments: [String], shell: String? = nil, timeout: Double = 300) async throws -> DecantProcess.Result {
        try await DecantProcess.run(arguments, in: path, environment: environment, shell: shell, timeout: timeout)
    }

    /// The id in the lock file, nil when there is none.
    func lockID() -> String? {
        guard let data = FileManager.default.contents(atPath: lockPath),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["id"] as? String
    }

    /// After a SIGKILL the lock stays (nothing takes a lock over by itself): check
    /// that apply refuses it as stale, then remove it the documented way.
    func unlockAfterCrash(_ label: String) async throws -> (refused: DecantProcess.Result, unlocked: DecantProcess.Result)? {
        guard let id = lockID() else { return nil }
        let refused = try await decant(MigrationFixture.applyArguments)
        let unlocked = try await decant(["state", "unlock", "--env", "dev", id])
        return (refused, unlocked)
    }
}

/// A copy of a state database (and its WAL) taken while no decant runs, opened
/// for queries, so that reading it cannot change what the next apply finds.
final class StateSnapshot {
    let database: SQLiteDatabase
    private let directory: TemporaryDirectory

    /// Nil when there is no state yet.
    init?(copying path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        directory = try TemporaryDirectory("decant-state-copy")
        let copy = directory.url.appendingPathComponent("state.db").path
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
        }
        database = try SQLiteDatabase(path: copy)
        // Killed before its schema was written, the state is as good as absent.
        guard try database.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'copies'") == 1 else {
            database.close()
            directory.remove()
            return nil
        }
    }

    deinit {
        database.close()
        directory.remove()
    }

    func int(_ sql: String) throws -> Int64 { try database.scalarInt(sql) ?? -1 }
    func text(_ sql: String) throws -> String? { try database.scalarText(sql) }

    func integrityCheck() throws -> [String] {
        try database.query("PRAGMA integrity_check") { $0.text(0) ?? "" }
    }
}
