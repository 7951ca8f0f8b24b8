import DecantCore
import DecantRender
import DecantState
import DecantStorage
import Foundation

/// `decant state list|show|history|unlock`: read the record of what decant did.
enum StateCommand {
    static let command = Command(CommandSpec(
        name: "state", summary: "Read the state: what decant created, copied, deleted and edited, run by run.",
        usage: "list|show|history --env ENV [--format text|json] | unlock --env ENV LOCK_ID",
        options: Workspace.options + [OptionSpec("format", value: "FORMAT", help: "text (default) or json.")],
        positionals: [PositionalSpec("SUBCOMMAND", help: "list (what is managed), show (totals and lock), history (serials), unlock (break a stale lock)."),
                      PositionalSpec("LOCK_ID", optional: true, help: "unlock: the id the lock error printed.")],
        discussion: "Reading the state never takes the lock; unlock removes a lock only when the id matches.",
        examples: [
            .init("What each serial did (to pick a rollback target)", "decant state history --env prod"),
            .init("Totals, and who holds the lock", "decant state show --env prod --format json"),
            .init("Remove the lock of a run known to be dead (the id the lock error printed)", "decant state unlock --env prod 7d1e3c2a-5b4f-4e1d-9a6b-2c8f0e4d1a3b"),
        ]
    )) { arguments, context in
        let json: Bool
        switch arguments.value("format") ?? "text" {
        case "text": json = false
        case "json": json = true
        case let other: throw CommandError("--format \(other) is not one of text, json")
        }
        let workspace = try Workspace(arguments, context)
        let (plan, _) = try workspace.loadPlan()
        let store = try workspace.store(for: plan)
        let sub = arguments.positionals[0]
        if sub == "unlock" {
            guard arguments.positionals.count == 2 else { throw CommandError("usage: decant state unlock --env ENV LOCK_ID") }
            let backend = workspace.backend(for: plan, store: store)
            try await backend.unlock(environment: workspace.environment, id: arguments.positionals[1])
            context.console.out("Removed lock \(arguments.positionals[1]) of \(workspace.stateLocation(plan, store: store)).\n")
            return ExitCode.success
        }
        guard arguments.positionals.count == 1 else { throw CommandError("decant state \(sub) takes no other argument") }
        guard let state = try await workspace.readState(plan, store: store) else {
            context.console.out(json ? "{\"serial\":0}\n" : "No state yet for \(workspace.environment) (\(workspace.stateLocation(plan, store: store))): nothing was applied.\n")
            return ExitCode.success
        }
        let out: String
        do {
            out = try await view(sub, state: state, plan: plan, store: store, workspace: workspace, json: json)
        } catch {
            await state.close()
            throw error
        }
        await state.close()
        context.console.out(out)
        return ExitCode.success
    }

    /// One of `list`, `show`, `history`, rendered.
    static func view(_ sub: String, state: StateStore, plan: Plan, store: any ObjectStore, workspace: Workspace,
                     json: Bool) async throws -> String {
        switch sub {
        case "history": return json ? try encode(try await state.history()) : StateViews.history(try await state.history())
        case "list":
            let buckets = try await state.createdBuckets()
            let changes = try await state.bucketChanges(includeRestored: false)
            let migrations = try await state.migrationTotals()
            let edits = try await state.codeEdits(includeReverted: false)
            return json ? try encode(StateList(createdBuckets: buckets, bucketChanges: changes, migrations: migrations, codeEdits: edits.map(\.edit.path)))
                : StateViews.list(buckets: buckets, changes: changes, migrations: migrations, edits: edits)
        case "show":
            let stats = try await state.stats()
            let lock = try await workspace.backend(for: plan, store: store).currentLock(environment: workspace.environment)
            return json ? try encode(StateShow(location: workspace.stateLocation(plan, store: store), stats: stats, lock: lock))
                : StateViews.show(location: workspace.stateLocation(plan, store: store), stats: stats, lock: lock)
        default:
            throw CommandError("unknown state subcommand '\(sub)'; use list, show, history or unlock")
        }
    }

    struct StateList: Encodable {
        var createdBuckets: [CreatedBucketRow]
        var bucketChanges: [BucketChangeRow]
        var migrations: [MigrationTotals]
        var codeEdits: [String]
    }

    struct StateShow: Encodable {
        var location: String
        var stats: StateStats
        var lock: LockInfo?
    }

    static func encode(_ value: some Encodable) throws -> String { try JSONDocument.encode(value) }
}

/// Text views of the state (pure functions of what the state returned).
enum StateViews {
    static func history(_ runs: [RunSummary]) -> String {
        guard !runs.isEmpty else { return "No runs yet.\n" }
        var out = "serial  kind      status       started                   by\n"
        for r in runs {
            let run = r.run
            out += "\(String(run.serial).padding(toLength: 8, withPad: " ", startingAt: 0))"
                + "\(run.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))"
                + "\(run.status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0))"
                + "\(RFC3339.format(run.started).padding(toLength: 26, withPad: " ", startingAt: 0))"
                + "\(run.owner.who)\n"
            var did: [String] = []
            let l = r.ledger
            if l.bucketsCreated > 0 { did.append("\(l.bucketsCreated) bucket(s) created") }
            if l.bucketsChanged > 0 { did.append("\(l.bucketsChanged) bucket change(s)") }
            if l.objectsCopied > 0 { did.append("\(l.objectsCopied) object(s) copied (\(ByteFormat.string(l.bytesCopied)))") }
            if l.objectsAdopted > 0 { did.append("\(l.objectsAdopted) adopted") }
            if l.objectsVerified > 0 { did.append("\(l.objectsVerified) verified") }
            if l.objectsDeleted > 0 { did.append("\(l.objectsDeleted) source(s) deleted") }
            if l.codeEdits > 0 { did.append("\(l.codeEdits) file(s) edited") }
            if l.sourcesRestored > 0 { did.append("\(l.sourcesRestored) source(s) restored") }
            if l.copiesRemoved > 0 { did.append("\(l.copiesRemoved) cop\(l.copiesRemoved == 1 ? "y" : "ies") removed") }
            if l.adoptedForgotten > 0 { did.append("\(l.adoptedForgotten) adopted record(s) forgotten (objects kept)") }
            if l.codeReverted > 0 { did.append("\(l.codeReverted) file(s) reverted") }
            if l.bucketsRestored > 0 { did.append("\(l.bucketsRestored) bucket setting(s) restored") }
            if l.bucketsDeleted > 0 { did.append("\(l.bucketsDeleted) bucket(s) deleted") }
            if r.journal.failed > 0 { did.append("\(r.journal.failed) action(s) failed") }
            if r.journal.intent > 0 { did.append("\(r.journal.intent) action(s) left unfinished") }
            if run.summary["lock_lost"] == 1 { did.append("its lock was removed while it ran (decant state unlock): recorded as failed") }
            var line = did.isEmpty ? "nothing changed" : did.joined(separator: ", ")
            if let target = run.rollbackTo { line = "rolled back to serial \(target): " + line }
            out += "        " + line + "\n"
            if let pinned = run.pinnedNow {
                out += "        clock pinned by --now to \(RFC3339.format(pinned))"
                    + (run.deletesByPinnedNow ? ", ahead of the real clock: sources deleted by it (--allow-future-now)\n" : "\n")
            }
        }
        out += "\nUndo everything after a serial with `decant rollback --env ENV --to SERIAL`.\n"
        return out
    }

    static func list(buckets: [CreatedBucketRow], changes: [BucketChangeRow], migrations: [MigrationTotals], edits: [CodeEditRow]) -> String {
        var out = ""
        for b in buckets { out += "bucket    \(b.name)  created at serial \(b.serial)\n" }
        for c in changes { out += "bucket    \(c.change.name)  changed at serial \(c.serial)\n" }
        for m in migrations {
            out += "migration \(m.migration)  \(m.copies) cop\(m.copies == 1 ? "y" : "ies") (\(m.verified) verified, \(m.adopted) adopted, \(ByteFormat.string(m.bytes)))"
            out += m.deletedSources > 0 ? ", \(m.deletedSources) source(s) deleted\n" : "\n"
        }
        for e in edits { out += "code      \(e.edit.path)  edited at serial \(e.serial)\n" }
        return out.isEmpty ? "Nothing is managed yet.\n" : out
    }

    static func show(location: String, stats: StateStats, lock: LockInfo?) -> String {
        var out = """
        state        \(location)
        lineage      \(stats.lineage)
        serial       \(stats.serial) (schema \(stats.schemaVersion), \(stats.runs) run(s))
        copies       \(stats.currentCopies) current (\(ByteFormat.string(stats.currentBytes))), \(stats.verifiedCopies) verified, \(stats.adoptedCopies) adopted (\(ByteFormat.string(stats.adoptedBytes)))
        deletions    \(stats.deletedSources) source(s) deleted, \(stats.restoredSources) restored
        buckets      \(stats.liveCreatedBuckets) created by decant, \(stats.bucketChanges) change(s)
        code edits   \(stats.codeEdits)

        """
        if let lock {
            out += "lock         held by \(lock.who) (pid \(lock.pid)) for \(lock.operation) since \(RFC3339.format(lock.created)); id \(lock.id)\n"
        } else {
            out += "lock         free\n"
        }
        return out
    }
}
