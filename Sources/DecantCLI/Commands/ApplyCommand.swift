import DecantCore
import DecantEngine
import DecantRender
import DecantState
import DecantStorage
import Foundation

/// `decant apply`: carry out a plan, recording everything in the state.
enum ApplyCommand {
    static let applyOptions: [OptionSpec] = [
        .flag("auto-approve", help: "Apply without asking (CI). Without it, apply asks for `yes` on a terminal and refuses elsewhere."),
        SavedPlanBytes.option,
        .flag("ignore-promotion", help: "Apply migrations that `promotion:` holds back (the earlier environment has not applied and verified them for the soak); said loudly and recorded in the state."),
    ] + runOptions

    /// What every command that changes the store takes (apply, rollback).
    static let runOptions: [OptionSpec] = [
        OptionSpec("parallelism", value: "N", help: "Store requests in flight at once (default 128)."),
        .flag("json", help: "Report progress as one JSON object per line on stdout."),
        .flag("no-color", help: "No colour even on a terminal."),
    ]

    static let command = Command(CommandSpec(
        name: "apply", summary: "Apply a plan: create buckets, copy and verify objects, rewrite code, delete sources.",
        usage: "--env ENV [SAVED_PLAN] [--auto-approve] [options]",
        options: Workspace.options + PlanCommand.planOptions + applyOptions,
        positionals: [PositionalSpec("SAVED_PLAN", optional: true, help: "A plan saved by `decant plan --out`; applied exactly, or refused if stale.")],
        discussion: """
        Without a saved plan, apply plans first (holding the state lock), shows the plan and asks for
        confirmation. Running apply again after an interruption finishes the work: copies already made
        are checked and recorded, nothing is copied twice, nothing is deleted without a verified copy.
        """,
        examples: [
            .init("Plan, review and confirm at the terminal", "decant apply --env dev"),
            .init("Apply exactly the plan reviewed in the pull request (CI)", "decant apply --env prod prod.plan --expect-sha256 $PLAN_SHA256"),
            .init("One migration, without asking, progress as JSON lines", "decant apply --env dev --target historization --auto-approve --json"),
        ]
    )) { arguments, context in
        if let file = arguments.positionals.first { try refuseFlagsFixedBy(file, arguments, command: "apply") }
        // The reviewed bytes are checked before anything else, and are the bytes applied.
        let expected = try SavedPlanBytes.expectedDigest(arguments, hasFile: !arguments.positionals.isEmpty)
        let savedBytes = try arguments.positionals.first.map { try SavedPlanBytes.read($0, context) }
        try savedBytes?.check(expected: expected)
        let workspace = try Workspace(arguments, context)
        // A plan made here is shown with its diagnostics; a saved one or JSON progress is not.
        let (plan, loadDiagnostics) = try workspace.loadPlan(shownInPlan: arguments.positionals.isEmpty && !arguments.flag("json"))
        if plan.promotion == nil, arguments.flag("ignore-promotion") {
            throw CommandError("--ignore-promotion: \(plan.environment) has no `promotion:` entry, so there is nothing to override; nothing was applied")
        }
        let store = try workspace.store(for: plan)
        var options = try applyOptions(arguments, plan: plan, workspace: workspace)
        let console = context.console
        let color = console.useColor && !arguments.flag("no-color")
        return try await workspace.withLockedState(plan, store: store, operation: "apply") { state, durability in
            var changes: PlannedChanges
            if let file = arguments.positionals.first, let savedBytes {
                let saved = try savedBytes.decode()
                guard saved.changes.rollback == nil else { throw CommandError("\(file) is a rollback plan: run it with `decant rollback --env \(plan.environment) \(file)`") }
                if let stale = saved.staleness(inputDigest: plan.inputDigest, lineage: saved.changes.stateLineage == nil ? nil : state.lineage,
                                               serial: try await state.currentSerial) {
                    throw stale
                }
                guard saved.changes.environment == plan.environment else {
                    throw CommandError("\(file) was planned for \(saved.changes.environment), not \(plan.environment)")
                }
                changes = saved.changes
                // Promotion is judged now, not when the plan was saved: time passed, and the earlier environment may have moved.
                changes.promotion = try await workspace.promotionReport(saved.plan, changes: changes)
                changes.promotion?.ignored = arguments.flag("ignore-promotion")
                try gatePromotion(changes, options: &options, console: console)
                // The limit the plan was reviewed under, unless apply is given another.
                if arguments.value("max-delete") == nil, let reviewed = changes.maxDelete { options.maxDelete = reviewed }
            } else {
                changes = try await PlanCommand.makePlan(plan, loadDiagnostics: loadDiagnostics, store: store, state: state,
                                                         workspace: workspace, arguments: arguments)
                if !arguments.flag("json") { console.out(PlanTextRenderer(color: color).render(changes)) }
                if changes.hasErrors { return ExitCode.failure }
                if !changes.hasChanges {
                    // A run cut short between its deletes and their confirmation: the
                    // applier records what became of them, and the run that does it.
                    let pending = try await state.pendingDeletions().count
                    guard pending > 0 else {
                        console.err("Nothing to apply.\n")
                        return ExitCode.success
                    }
                    console.err("Nothing to change in the stores, but a run cut short left \(pending) deletion(s) unconfirmed: "
                                + "recording what became of them.\n")
                } else {
                    try gatePromotion(changes, options: &options, console: console)
                    guard try confirm(arguments, console: console, environment: plan.environment) else {
                        console.err("Apply cancelled; nothing was changed.\n")
                        return ExitCode.failure
                    }
                }
            }
            let mode: ProgressReporter.Mode = arguments.flag("json") ? .json : (console.isTerminal ? .terminal : .log)
            let applier = Applier(store: store, state: state, clock: workspace.clock,
                                  observer: ProgressReporter(console: console, mode: mode),
                                  writeCode: CodeSurvey.writer, persist: durability.persist, checkLock: durability.checkLock,
                                  transfer: try workspace.transferClient(for: changes, plan: plan))
            if applier.transfer?.endpoint.isTestServer == true { options.transferPoll = .testServer }
            let result = try await applier.apply(changes, options: options)
            if !arguments.flag("json") { console.out(ApplyTextRenderer(color: color).render(result)) }
            return result.status == .succeeded ? ExitCode.success : ExitCode.failure
        }
    }

    /// Refuses the migrations `promotion:` holds back, or, with `--ignore-promotion`,
    /// says loudly which go ahead and has the run record them.
    static func gatePromotion(_ changes: PlannedChanges, options: inout ApplyOptions, console: any Console) throws {
        if let report = changes.promotion {
            try PromotionGate.check(report, environment: changes.environment)
            for entry in report.refused {
                let why = entry.explanation(from: report.from, soak: report.soak, at: report.checkedAt)
                console.err("warning: --ignore-promotion: applying \(entry.migration) to \(changes.environment) although \(why); "
                            + "recorded in \(changes.environment)'s state\n")
                options.promotionIgnored[entry.migration] = why
            }
        }
    }

    /// Planning options that a saved plan fixed when it was made: given with the
    /// file, they would change what was reviewed, so they are refused rather than
    /// ignored. (`--max-delete` is not among them: it is a limit apply enforces.)
    static let fixedBySavedPlan = ["target", "phase", "allow-references", "no-leftovers", "allow-future-now"]

    static func refuseFlagsFixedBy(_ file: String, _ arguments: ParsedArguments, command: String) throws {
        let given = fixedBySavedPlan.filter { arguments.values[$0] != nil || arguments.flag($0) }.map { "--\($0)" }
        guard !given.isEmpty else { return }
        throw CommandError("\(given.joined(separator: ", ")) would change what the saved plan \(file) does; nothing was applied. "
                           + "A saved plan is applied exactly as it was reviewed: these options were fixed when it was made. "
                           + "Make a new plan with them (`decant plan --env ENV \(given.joined(separator: " ")) ... --out FILE`), "
                           + "or `decant \(command) --env ENV \(file)` without them")
    }

    static func applyOptions(_ arguments: ParsedArguments, plan: Plan, workspace: Workspace) throws -> ApplyOptions {
        var options = ApplyOptions()
        if let value = arguments.value("parallelism") {
            guard let n = Int(value), n >= 1 else { throw CommandError("--parallelism takes a number ≥ 1, got \(value)") }
            options.parallelism = n
        }
        if let max = arguments.value("max-delete") {
            guard let n = Int(max), n >= 0 else { throw CommandError("--max-delete takes a number ≥ 0, got \(max)") }
            options.maxDelete = n
        }
        options.codeRoot = workspace.codeRoot(plan)
        // Every migration is recorded under its definition's digest, for the environments promoted from this one.
        options.migrationDigests = Dictionary(plan.migrations.compactMap { m in m.inputsDigest.map { (m.key, $0) } },
                                              uniquingKeysWith: { first, _ in first })
        return options
    }

    /// `--auto-approve`, or `yes` typed at a terminal; never a silent default.
    static func confirm(_ arguments: ParsedArguments, console: any Console, environment: String) throws -> Bool {
        if arguments.flag("auto-approve") { return true }
        guard console.canPrompt else {
            throw CommandError("apply needs confirmation: run it on a terminal, or pass --auto-approve (CI) or a reviewed saved plan")
        }
        console.err("\nDo you want to apply these changes to \(environment)? Only 'yes' will be accepted: ")
        return console.readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }
}
