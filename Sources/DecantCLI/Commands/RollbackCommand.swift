import DecantCodeRefs
import DecantCore
import DecantEngine
import DecantRender
import DecantState
import DecantStorage
import Foundation

/// `decant rollback`: plan the inverse of everything recorded after a serial,
/// from the ledger, and apply it as a run of its own.
enum RollbackCommand {
    static let command = Command(CommandSpec(
        name: "rollback", summary: "Undo everything recorded after a state serial: restore sources, remove copies, revert code.",
        usage: "--env ENV (--to SERIAL | --last) [--plan-only] [--format text|json|markdown] [--out FILE] [--auto-approve] | --env ENV SAVED_PLAN",
        options: Workspace.options + [
            OptionSpec("to", value: "SERIAL", help: "Return to this state serial (0 undoes everything; `decant state history` lists them)."),
            .flag("last", help: "Undo the newest serial that still has something recorded and not undone."),
            .flag("plan-only", help: "Show the rollback plan and stop (reads only)."),
            OptionSpec("format", value: "FORMAT", help: "With --plan-only or --out: text (default), json or markdown."),
            OptionSpec("out", value: "FILE", help: "Save the rollback plan for `decant rollback --env ENV FILE` (implies --plan-only)."),
            PlanCommand.maxBytesOption,
            .flag("list-objects", help: "With --format json: list every object of every action."),
            .flag("auto-approve", help: "Roll back without asking (CI). Without it, rollback asks for `yes` on a terminal and refuses elsewhere."),
        ] + ApplyCommand.runOptions,
        positionals: [PositionalSpec("SAVED_PLAN", optional: true, help: "A rollback plan saved with --out; applied exactly, or refused if the state moved on.")],
        discussion: """
        The plan is built from the state's ledger, newest first: deleted sources are copied back from their verified
        copies (only where the name is free), copies decant made are deleted (only while unchanged since), objects
        that were there before decant are only forgotten, code edits are reverted (only where the file is as decant
        left it), bucket settings are put back and buckets decant created are deleted once empty. What cannot be undone
        safely is listed under "Left alone". The rollback is recorded as a run with its own serial; running it again
        after an interruption finishes it.
        """,
        examples: [
            .init("What undoing the newest apply would do", "decant rollback --env dev --last --plan-only"),
            .init("Undo everything decant did in dev", "decant rollback --env dev --to 0 --auto-approve"),
            .init("Save a rollback plan for review (run it with `decant rollback --env prod undo.plan`)", "decant rollback --env prod --to 3 --out undo.plan"),
        ]
    )) { arguments, context in
        let workspace = try Workspace(arguments, context)
        let (plan, _) = try workspace.loadPlan()
        let store = try workspace.store(for: plan)
        if let file = arguments.positionals.first {
            guard arguments.value("to") == nil, !arguments.flag("last") else {
                throw CommandError("give either a saved rollback plan or --to/--last, not both")
            }
            // Options that only show a plan would be ignored by a run of a saved one.
            let showing = ["plan-only", "out", "format", "list-objects", "max-bytes"].filter { arguments.values[$0] != nil || arguments.flag($0) }
            guard showing.isEmpty else {
                throw CommandError("\(showing.map { "--\($0)" }.joined(separator: ", ")) would only show a plan, but \(file) is a saved "
                                   + "rollback plan that `decant rollback --env ENV \(file)` runs; nothing was rolled back. "
                                   + "Show it with `decant show \(file)`")
            }
            return try await applySaved(file, plan: plan, store: store, workspace: workspace, arguments: arguments)
        }
        let request = try Request(arguments)
        if request.planOnly {
            guard let state = try await workspace.readState(plan, store: store) else { return nothingRecorded(workspace, plan, store) }
            let outcome = try await makePlan(request, plan: plan, state: state, store: store, workspace: workspace)
            await state.close()
            guard let changes = outcome else { return nothingLeft(context) }
            let saved = try arguments.value("out").map { try SavedPlanBytes(plan: plan, changes: changes, path: $0, context: context) }
            try PlanCommand.render(changes, arguments, context, saved: saved)
            if let saved {
                try saved.write(context)
                context.console.err("Saved the rollback plan to \(saved.path): apply it with `decant rollback --env \(plan.environment) \(saved.path)`.\n"
                                    + saved.digestLine + "\n")
            }
            return ExitCode.success
        }
        // Never create a state only to find nothing in it.
        guard try await hasState(workspace, plan, store) else { return nothingRecorded(workspace, plan, store) }
        return try await workspace.withLockedState(plan, store: store, operation: "rollback") { state, durability in
            guard let changes = try await makePlan(request, plan: plan, state: state, store: store, workspace: workspace) else {
                return nothingLeft(context)
            }
            let color = context.console.useColor && !arguments.flag("no-color")
            if !arguments.flag("json") { context.console.out(PlanTextRenderer(color: color).render(changes)) }
            guard let report = changes.rollback, !report.isEmpty else { return ExitCode.success }
            guard changes.hasChanges else {
                context.console.err("Nothing can be rolled back automatically: \(report.refusedCount) item(s) need a person.\n")
                return ExitCode.failure
            }
            guard try confirm(arguments, console: context.console, environment: plan.environment, target: report.target) else {
                context.console.err("Rollback cancelled; nothing was changed.\n")
                return ExitCode.failure
            }
            return try await run(changes, plan: plan, store: store, state: state, durability: durability, workspace: workspace, arguments: arguments)
        }
    }

    /// What the command line asks for: the serial to return to, or the newest undoable one.
    struct Request {
        var target: Int64?
        var last: Bool
        var planOnly: Bool

        init(_ arguments: ParsedArguments) throws {
            last = arguments.flag("last")
            if let text = arguments.value("to") {
                guard !last else { throw CommandError("give --to SERIAL or --last, not both") }
                guard let serial = Int64(text), serial >= 0 else {
                    throw CommandError("--to takes a state serial ≥ 0 (0 undoes everything), got \(text); `decant state history` lists the serials")
                }
                target = serial
            } else if !last {
                throw CommandError("rollback needs --to SERIAL (0 undoes everything) or --last; `decant state history` lists the serials")
            }
            planOnly = arguments.flag("plan-only") || arguments.value("out") != nil
            if !planOnly, let format = arguments.value("format"), format != "text" {
                throw CommandError("--format \(format) shows a plan without applying it: add --plan-only or --out FILE")
            }
        }
    }

    /// The rollback plan, or nil for `--last` when nothing is left to undo.
    static func makePlan(_ request: Request, plan: Plan, state: StateStore, store: any ObjectStore,
                         workspace: Workspace) async throws -> PlannedChanges? {
        let planner = RollbackPlanner(store: store, state: state, clock: workspace.clock)
        let last = request.target == nil ? try await planner.lastTarget() : nil
        guard let target = request.target ?? last else { return nil }
        // Batches as the plan files size them for apply (a migration no longer in them gets the default).
        let sizes = Dictionary(plan.migrations.map { ($0.key, $0.batchSize) }, uniquingKeysWith: { a, _ in a })
        let options = RollbackOptions(batchSizes: sizes, codeRoot: workspace.codeRoot(plan))
        var changes = try await planner.plan(to: target, environment: plan.environment, options: options)
        changes.pinnedNow = workspace.pinnedNow
        return changes
    }

    static func applySaved(_ file: String, plan: Plan, store: any ObjectStore, workspace: Workspace,
                           arguments: ParsedArguments) async throws -> Int32 {
        let saved = try SavedPlan.read(from: workspace.context.resolve(file))
        guard saved.changes.rollback != nil else {
            throw CommandError("\(file) is not a rollback plan; apply it with `decant apply --env \(plan.environment) \(file)`")
        }
        guard saved.changes.environment == plan.environment else {
            throw CommandError("\(file) was planned for \(saved.changes.environment), not \(plan.environment)")
        }
        return try await workspace.withLockedState(plan, store: store, operation: "rollback") { state, durability in
            // A rollback plan is made from the ledger, not the plan files: the state must not have moved.
            if let stale = saved.staleness(inputDigest: saved.changes.inputDigest, lineage: state.lineage,
                                           serial: try await state.currentSerial) {
                let why = (stale.errorDescription ?? "the saved plan is stale").replacingOccurrences(of: "; run decant plan again", with: "")
                let target = saved.changes.rollback?.target ?? 0
                throw CommandError("\(file): \(why); plan the rollback again with "
                                   + "`decant rollback --env \(plan.environment) --to \(target) --out \(file)`")
            }
            return try await run(saved.changes, plan: plan, store: store, state: state, durability: durability, workspace: workspace,
                                 arguments: arguments)
        }
    }

    static func run(_ changes: PlannedChanges, plan: Plan, store: any ObjectStore, state: StateStore,
                    durability: StateDurability, workspace: Workspace, arguments: ParsedArguments) async throws -> Int32 {
        let console = workspace.context.console
        let options = try ApplyCommand.applyOptions(arguments, plan: plan, workspace: workspace)
        let mode: ProgressReporter.Mode = arguments.flag("json") ? .json : (console.isTerminal ? .terminal : .log)
        let applier = Applier(store: store, state: state, clock: workspace.clock, observer: ProgressReporter(console: console, mode: mode),
                              writeCode: CodeSurvey.writer, persist: durability.persist, checkLock: durability.checkLock)
        let target = changes.rollback?.target ?? 0
        let result = try await applier.apply(changes, kind: .rollback, rollbackTo: target, options: options)
        let color = console.useColor && !arguments.flag("no-color")
        if !arguments.flag("json") { console.out(ApplyTextRenderer(color: color).render(result, kind: .rollback)) }
        let refused = changes.rollback?.refusedCount ?? 0
        if refused > 0 {
            console.err("\(refused) item(s) were left alone (see \"Left alone\" in the plan): the environment is not fully back to serial \(target).\n")
        }
        return result.status == .succeeded && refused == 0 ? ExitCode.success : ExitCode.failure
    }

    /// `--auto-approve`, or `yes` typed at a terminal; never a silent default.
    static func confirm(_ arguments: ParsedArguments, console: any Console, environment: String, target: Int64) throws -> Bool {
        if arguments.flag("auto-approve") { return true }
        guard console.canPrompt else {
            throw CommandError("rollback needs confirmation: run it on a terminal, or pass --auto-approve (CI) or a reviewed saved plan")
        }
        console.err("\nDo you want to roll \(environment) back to serial \(target)? Only 'yes' will be accepted: ")
        return console.readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    static func hasState(_ workspace: Workspace, _ plan: Plan, _ store: any ObjectStore) async throws -> Bool {
        guard let state = try await workspace.readState(plan, store: store) else { return false }
        await state.close()
        return true
    }

    static func nothingRecorded(_ workspace: Workspace, _ plan: Plan, _ store: any ObjectStore) -> Int32 {
        workspace.context.console.err("Nothing to roll back: \(workspace.environment) has no state yet (\(workspace.stateLocation(plan, store: store))).\n")
        return ExitCode.success
    }

    static func nothingLeft(_ context: CommandContext) -> Int32 {
        context.console.err("Nothing to roll back: everything decant recorded is undone already.\n")
        return ExitCode.success
    }
}
