import DecantCore
import DecantEngine
import DecantRender
import DecantState
import DecantStorage
import Foundation

/// `decant plan`: what apply would do, for review. Reads only.
enum PlanCommand {
    static let planOptions: [OptionSpec] = [
        OptionSpec("target", value: "NAME", repeatable: true, help: "Only this migration or bucket (and what it depends on)."),
        OptionSpec("phase", value: "N", help: "Only the migrations of this phase."),
        OptionSpec("max-delete", value: "N", help: "Refuse a plan that deletes more source objects than this (default 1000)."),
        .flag("allow-references", help: "Delete sources even though code still references them (stated loudly in the plan)."),
        .flag("no-leftovers", help: "Do not list what no migration covers (saves listing the rest of the source buckets)."),
        .flag("allow-future-now", help: "Let a --now later than the real clock decide deletions (validation periods, retention); recorded in the state history."),
    ]

    static let command = Command(CommandSpec(
        name: "plan", summary: "Show what apply would change: buckets, objects, code, deletions.",
        usage: "--env ENV [--format text|json|markdown] [--out FILE] [options]",
        options: Workspace.options + planOptions + [
            OptionSpec("format", value: "FORMAT", help: "text (default), json (versioned schema) or markdown (a PR comment)."),
            OptionSpec("out", value: "FILE", help: "Save the plan for `decant apply FILE` (exactly what was reviewed)."),
            OptionSpec("code-out", value: "FILE", help: "Write every planned code edit as one patch (for `git apply`)."),
            .flag("list-objects", help: "With --format json: list every object of every action."),
            .flag("detailed-exitcode", help: "Exit 0 when there are no changes, 2 when there are, 1 on error."),
            .flag("no-color", help: "No colour even on a terminal."),
            .flag("timings", help: "Print where planning spent its time to stderr."),
        ],
        discussion: "Planning never writes to a store or to the state.",
        examples: [
            .init("Review what apply would do in dev", "decant plan --env dev"),
            .init("A pull-request comment for phase 1 of prod", "decant plan --env prod --phase 1 --format markdown"),
            .init("Save the reviewed plan, for `decant apply --env prod prod.plan`", "decant plan --env prod --out prod.plan"),
        ]
    )) { arguments, context in
        let workspace = try Workspace(arguments, context)
        let (plan, loadDiagnostics) = try workspace.loadPlan(shownInPlan: true)
        let store = try workspace.store(for: plan)
        let state = try await workspace.readState(plan, store: store)
        let changes = try await makePlan(plan, loadDiagnostics: loadDiagnostics, store: store, state: state, workspace: workspace,
                                         arguments: arguments)
        await state?.close()
        try render(changes, arguments, context)
        try writeCodePatch(changes, arguments, context)
        if let out = arguments.value("out") {
            try OutputFile.write(try SavedPlan(plan: plan, changes: changes).encoded(), to: context.resolve(out), named: out, mode: 0o600)
            context.console.err("Saved the plan to \(out): apply it with `decant apply --env \(plan.environment) \(out)`.\n")
        }
        if changes.hasErrors { return ExitCode.failure }
        if arguments.flag("detailed-exitcode") { return changes.hasChanges ? ExitCode.changes : ExitCode.success }
        return ExitCode.success
    }

    /// Plans with the options every planning command shares (plan, apply).
    static func makePlan(_ plan: Plan, loadDiagnostics: [Diagnostic], store: any ObjectStore, state: StateStore?,
                         workspace: Workspace, arguments: ParsedArguments) async throws -> PlannedChanges {
        var options = try planOptions(arguments)
        options.pricing = try workspace.pricing(for: plan)
        options.pinnedNow = workspace.pinnedNow
        var code: CodeFindings?
        if let root = workspace.codeRoot(plan) {
            code = try await CodeSurvey.findings(plan, root: root,
                                                 otherEnvironmentBuckets: workspace.plans.sourceBuckets(except: plan.environment))
        }
        var (changes, statistics) = try await Planner(store: store, state: state, clock: workspace.clock, code: code)
            .planMeasured(plan, options: options)
        changes.diagnostics = loadDiagnostics + changes.diagnostics
        if arguments.flag("timings") { workspace.context.console.err(statistics.description + "\n") }
        return changes
    }

    static func planOptions(_ arguments: ParsedArguments) throws -> PlanOptions {
        var options = PlanOptions()
        options.targets = arguments.all("target")
        if let phase = arguments.value("phase") {
            guard let n = Int(phase), n >= 1 else { throw CommandError("--phase takes a number ≥ 1, got \(phase)") }
            options.phase = n
        }
        if let max = arguments.value("max-delete") {
            guard let n = Int(max), n >= 0 else { throw CommandError("--max-delete takes a number ≥ 0, got \(max)") }
            options.maxDelete = n
        }
        options.allowReferences = arguments.flag("allow-references")
        options.computeLeftovers = !arguments.flag("no-leftovers")
        return options
    }

    /// `--code-out FILE`: the whole patch of the code edits, which the rendered plan
    /// shortens; a reviewer can commit it on its own (`git apply FILE`).
    static func writeCodePatch(_ changes: PlannedChanges, _ arguments: ParsedArguments, _ context: CommandContext) throws {
        guard let out = arguments.value("code-out") else { return }
        let edits = changes.code?.edits ?? []
        let patch = edits.map(\.patch).map { $0.hasSuffix("\n") || $0.isEmpty ? $0 : $0 + "\n" }.joined()
        try OutputFile.write(Data(patch.utf8), to: context.resolve(out), named: out)
        context.console.err("Wrote \(edits.count) code edit(s) to \(out).\n")
    }

    static func render(_ changes: PlannedChanges, _ arguments: ParsedArguments, _ context: CommandContext) throws {
        let color = context.console.useColor && !arguments.flag("no-color")
        switch arguments.value("format") ?? "text" {
        case "text": context.console.out(PlanTextRenderer(color: color).render(changes))
        case "json": context.console.out(PlanJSONRenderer(includeObjects: arguments.flag("list-objects")).render(changes))
        case "markdown", "md": context.console.out(PlanMarkdownRenderer().render(changes))
        case let other: throw CommandError("--format \(other) is not one of text, json, markdown")
        }
    }
}

/// `decant show FILE`: renders a saved plan again.
enum ShowCommand {
    static let command = Command(CommandSpec(
        name: "show", summary: "Render a saved plan (from `decant plan --out FILE`).",
        usage: "FILE [--format text|json|markdown]",
        options: [
            OptionSpec("format", value: "FORMAT", help: "text (default), json or markdown."),
            .flag("list-objects", help: "With --format json: list every object of every action."),
            OptionSpec("code-out", value: "FILE", help: "Write every planned code edit as one patch (for `git apply`)."),
            .flag("no-color", help: "No colour even on a terminal."),
        ],
        positionals: [PositionalSpec("FILE", help: "A saved plan.")],
        examples: [
            .init("Render a saved plan again", "decant show prod.plan"),
            .init("Every object of a saved plan, as JSON", "decant show prod.plan --format json --list-objects"),
        ]
    )) { arguments, context in
        let saved = try SavedPlan.read(from: context.resolve(arguments.positionals[0]))
        try PlanCommand.render(saved.changes, arguments, context)
        try PlanCommand.writeCodePatch(saved.changes, arguments, context)
        return saved.changes.hasErrors ? ExitCode.failure : ExitCode.success
    }
}
