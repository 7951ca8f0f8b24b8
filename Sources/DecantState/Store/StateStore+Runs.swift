import DecantCore
import DecantSQLite
import Foundation

extension StateStore {
    /// Starts a run: the next serial, recorded as `running` before anything is done.
    /// Runs left `running` by processes that are gone (or, since the caller holds the
    /// state lock, by another host) are marked `interrupted` first; one still alive on
    /// this host makes this throw `runInProgress`.
    public func beginRun(_ start: RunStart) throws(StateError) -> Int64 {
        let now = clock.now()
        return try inTransaction { database in
            let current = try database.scalarInt("SELECT COALESCE(MAX(serial), 0) FROM runs") ?? 0
            if start.kind == .rollback {
                guard let target = start.rollbackTo, target >= 0, target <= current else {
                    throw StateError.invalidRollbackTarget(serial: start.rollbackTo ?? -1, current: current)
                }
            }
            let running = try Self.runningRuns(in: database)
            for (serial, owner) in running where owner.host == HostIdentity.hostName && owner.pid != HostIdentity.processID
                && probe.isAlive(owner.host, owner.pid) == true {
                throw StateError.runInProgress(serial: serial, owner: owner)
            }
            _ = try Self.markInterrupted(in: database, probe: probe, now: now, includeUnknown: true)
            let serial = current + 1
            try database.run("""
                INSERT INTO runs (serial, kind, status, started_ms, plan_digest, input_digest, user, host, pid,
                                  decant_version, summary, rollback_to, pinned_now_ms, deletes_by_pinned_now)
                VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, serial, start.kind.rawValue, now.milliseconds, start.planDigest, start.inputDigest,
                start.owner.user, start.owner.host, Int64(start.owner.pid), start.version,
                try Self.encodeSummary(start.summary), start.kind == .rollback ? start.rollbackTo : nil,
                start.pinnedNow?.milliseconds, start.deletesByPinnedNow)
            return serial
        }
    }

    /// Convenience for `beginRun(RunStart(...))`.
    public func beginRun(kind: RunKind, planDigest: String?, inputDigest: String? = nil,
                         summary: [String: Int64] = [:], rollbackTo: Int64? = nil) throws(StateError) -> Int64 {
        try beginRun(RunStart(kind: kind, planDigest: planDigest, inputDigest: inputDigest, summary: summary,
                              rollbackTo: rollbackTo))
    }

    /// Ends a running run as `succeeded` or `failed`, replacing its summary when given.
    public func finishRun(serial: Int64, status: RunStatus, summary: [String: Int64]? = nil) throws(StateError) {
        precondition(status != .running, "finishRun needs a final status")
        let now = clock.now()
        try inTransaction { database in
            try Self.requireRunning(serial, in: database)
            try database.run("""
                UPDATE runs SET status = ?, finished_ms = ?, summary = COALESCE(?, summary) WHERE serial = ?
                """, status.rawValue, now.milliseconds, try summary.map(Self.encodeSummary), serial)
        }
    }

    /// Marks `interrupted` every `running` run whose process is known to be gone.
    /// Returns their serials.
    @discardableResult
    public func markInterruptedRuns() throws(StateError) -> [Int64] {
        let now = clock.now()
        return try inTransaction { try Self.markInterrupted(in: $0, probe: probe, now: now, includeUnknown: false) }
    }

    /// One run, or nil.
    public func run(serial: Int64) throws(StateError) -> RunRecord? {
        try withDatabase { try $0.query("SELECT \(Self.runColumns) FROM runs WHERE serial = ?", [serial], Self.runRecord).first }
    }

    /// Every run, oldest first.
    public func runs() throws(StateError) -> [RunRecord] {
        try withDatabase { try $0.query("SELECT \(Self.runColumns) FROM runs ORDER BY serial", [], Self.runRecord) }
    }


    static func requireRunning(_ serial: Int64, in database: SQLiteDatabase) throws {
        guard let text = try database.scalarText("SELECT status FROM runs WHERE serial = ?", [serial]) else {
            throw StateError.unknownRun(serial: serial)
        }
        let status = RunStatus(rawValue: text) ?? .failed
        guard status == .running else { throw StateError.runNotRunning(serial: serial, status: status) }
    }

    static func runningRuns(in database: SQLiteDatabase) throws -> [(Int64, RunOwner)] {
        try database.query("SELECT serial, user, host, pid FROM runs WHERE status = 'running' ORDER BY serial") { row in
            (row.int(0) ?? 0, RunOwner(user: row.text(1) ?? "", host: row.text(2) ?? "", pid: Int32(truncatingIfNeeded: row.int(3) ?? 0)))
        }
    }

    /// Marks running runs interrupted: those whose process is gone, and with
    /// `includeUnknown` also those that cannot be probed (another host) or belong
    /// to this very process (a run it never finished).
    static func markInterrupted(in database: SQLiteDatabase, probe: ProcessProbe, now: Date,
                                includeUnknown: Bool) throws -> [Int64] {
        var marked: [Int64] = []
        for (serial, owner) in try runningRuns(in: database) {
            let alive = probe.isAlive(owner.host, owner.pid)
            let ours = owner.host == HostIdentity.hostName && owner.pid == HostIdentity.processID
            let gone = alive == false || (includeUnknown && (alive == nil || ours))
            guard gone else { continue }
            try database.run("UPDATE runs SET status = 'interrupted', finished_ms = ? WHERE serial = ?", now.milliseconds, serial)
            marked.append(serial)
        }
        return marked
    }

    static let runColumns = """
        serial, kind, status, started_ms, finished_ms, plan_digest, input_digest, user, host, pid, decant_version, summary, rollback_to,
        pinned_now_ms, deletes_by_pinned_now
        """

    static func runRecord(_ row: SQLiteRow) -> RunRecord {
        RunRecord(serial: row.int(0) ?? 0, kind: RunKind(rawValue: row.text(1) ?? "") ?? .apply,
                  status: RunStatus(rawValue: row.text(2) ?? "") ?? .failed,
                  started: Date(milliseconds: row.int(3) ?? 0), finished: row.int(4).map(Date.init(milliseconds:)),
                  planDigest: row.text(5), inputDigest: row.text(6),
                  owner: RunOwner(user: row.text(7) ?? "", host: row.text(8) ?? "", pid: Int32(truncatingIfNeeded: row.int(9) ?? 0)),
                  version: row.text(10) ?? "", summary: decodeSummary(row.text(11)), rollbackTo: row.int(12),
                  pinnedNow: row.int(13).map(Date.init(milliseconds:)), deletesByPinnedNow: row.int(14) == 1)
    }

    static func encodeSummary(_ summary: [String: Int64]) throws -> String {
        try JSONText.encode(summary)
    }

    static func decodeSummary(_ text: String?) -> [String: Int64] {
        text.flatMap { JSONText.decode([String: Int64].self, from: $0) } ?? [:]
    }
}
