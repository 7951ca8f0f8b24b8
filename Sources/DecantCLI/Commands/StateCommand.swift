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
        guard let view = View(rawValue: sub) else { throw CommandError("unknown state subcommand '\(sub)'; use list, show, history or unlock") }
        let location = workspace.stateLocation(plan, store: store)
        guard let state = try await workspace.readState(plan, store: store) else {
            let empty = StateJSONRenderer(environment: workspace.environment, location: location, lineage: nil, serial: 0)
            context.console.out(json ? view.render(empty) : "No state yet for \(workspace.environment) (\(location)): nothing was applied.\n")
            return ExitCode.success
        }
        let out: String
        do {
            out = try await render(view, state: state, environment: workspace.environment, location: location, json: json) {
                try await workspace.backend(for: plan, store: store).currentLock(environment: workspace.environment)
            }
        } catch {
            await state.close()
            throw error
        }
        await state.close()
        context.console.out(out)
        return ExitCode.success
    }

    /// What `decant state` reads and shows.
    enum View: String {
        case list, show, history

        /// The document of an environment with no state yet.
        func render(_ json: StateJSONRenderer) -> String {
            switch self {
            case .history: return json.history([])
            case .list: return json.list(StateListing())
            case .show: return json.show(nil, lock: nil)
            }
        }
    }

    /// One view of the state, rendered as text or as its JSON document.
    static func render(_ view: View, state: StateStore, environment: String, location: String, json: Bool,
                       lock: () async throws -> LockInfo?) async throws -> String {
        let document = StateJSONRenderer(environment: environment, location: location, lineage: state.lineage,
                                         serial: try await state.currentSerial)
        let text = StateTextRenderer()
        switch view {
        case .history:
            let runs = try await state.history()
            return json ? document.history(runs) : text.history(runs)
        case .list:
            let listing = try await state.listing()
            return json ? document.list(listing) : text.list(listing)
        case .show:
            let stats = try await state.stats()
            let lock = try await lock()
            return json ? document.show(stats, lock: lock) : text.show(location: location, stats: stats, lock: lock)
        }
    }
}
