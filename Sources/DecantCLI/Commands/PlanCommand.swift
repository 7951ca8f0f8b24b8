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
            OptionSpec("out", value: "FILE", help: "Save the plan for `decant apply FILE` (exactly what was reviewed); prints its SHA-256."),
            maxBytesOption,
            OptionSpec("code-out", value: "FILE", help: "Write every planned code edit as one patch (for `git apply`)."),
            .flag("list-objects", help: "With --format json: list every object of every action."),
            .flag("detailed-exitcode", help: "Exit 0 when there is nothing to do, 2 when there are changes or drift (targets that differ), 1 on error."),
            .flag("no-color", help: "No colour even on a terminal."),
            .flag("timings", help: "Print where planning spent its time to stderr."),
        ],
        discussion: """
        Planning never writes to a store or to the state. With `promotion:` for the environment, the plan shows per
        migration whether the earlier environment applied and verified it, since when, and whether the soak has passed.
        """,
        examples: [
            .init("Review what apply would do in dev", "decant plan --env dev"),
            .init("A pull-request comment for prod, cut to fit GitHub's limit", "decant plan --env prod --format markdown --max-bytes 60000"),
            .init("Save the reviewed plan and print its SHA-256, for `decant apply --env prod prod.plan --expect-sha256 HEX`",
                  "decant plan --env prod --out prod.plan"),
        ]
    )) { arguments, context in
        let workspace = try Workspace(arguments, context)
        let (plan, loadDiagnostics) = try workspace.loadPlan(shownInPlan: true)
        let store = try workspace.store(for: plan)
        let state = try await workspace.readState(plan, store: store)
        let changes = try await makePlan(plan, loadDiagnostics: loadDiagnostics, store: store, state: state, workspace: workspace,
                                         arguments: arguments)
        await state?.close()
        let saved = try arguments.value("out").map { try SavedPlanBytes(plan: plan, changes: changes, path: $0, context: context) }
        try render(changes, arguments, context, saved: saved)
        try writeCodePatch(changes, arguments, context)
        if let saved {
            try saved.write(context)
            context.console.err("Saved the plan to \(saved.path): apply it with "
                                + "`decant apply --env \(plan.environment) \(saved.path) --expect-sha256 \(saved.sha256)`.\n"
                                + saved.digestLine + "\n")
        }
        if changes.hasErrors { return ExitCode.failure }
        if arguments.flag("detailed-exitcode") { return differs(changes) ? ExitCode.changes : ExitCode.success }
        return ExitCode.success
    }

    /// What `--detailed-exitcode` reports with 2: actions to apply, or target objects
    /// that differ from their sources where `overwrite` forbids replacing them (drift
    /// apply will not repair, which a person must look at).
    static func differs(_ changes: PlannedChanges) -> Bool {
        changes.hasChanges || changes.migrations.contains { !$0.conflicts.isZero }
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
        changes.promotion = try await workspace.promotionReport(plan, changes: changes)
        changes.promotion?.ignored = arguments.flag("ignore-promotion")
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

    /// Renders a plan in `--format`. `saved`: the saved plan it is (or is being saved
    /// as), whose SHA-256 the JSON and Markdown carry; `shown`: it is rendered by `decant show`.
    static func render(_ changes: PlannedChanges, _ arguments: ParsedArguments, _ context: CommandContext,
                       saved: SavedPlanBytes? = nil, shown: Bool = false) throws {
        let color = context.console.useColor && !arguments.flag("no-color")
        let format = arguments.value("format") ?? "text"
        let maxBytes = try maxBytes(arguments, format: format)
        switch format {
        case "text": context.console.out(PlanTextRenderer(color: color).render(changes))
        case "json": context.console.out(PlanJSONRenderer(includeObjects: arguments.flag("list-objects"), sha256: saved?.sha256).render(changes))
        case "markdown", "md":
            let comment = PlanComment(maxBytes: maxBytes, fullPlanAt: fullPlanAt(changes, saved: saved, shown: shown),
                                      savedPlan: saved.map { ($0.path, $0.sha256) })
            context.console.out(comment.render(changes))
        case let other: throw CommandError("--format \(other) is not one of text, json, markdown")
        }
    }

    static let maxBytesOption = OptionSpec(
        "max-bytes", value: "N",
        help: "With --format markdown: cut the comment to N bytes, keeping the summary, warnings, held deletions and code edit headers (default \(PlanComment.defaultMaxBytes), under GitHub's 65,536; 0: never cut).")

    /// `--max-bytes N`: only for Markdown (any other format would ignore it).
    static func maxBytes(_ arguments: ParsedArguments, format: String) throws -> Int {
        guard let value = arguments.value("max-bytes") else { return PlanComment.defaultMaxBytes }
        guard format == "markdown" || format == "md" else { throw CommandError("--max-bytes cuts a Markdown plan; add --format markdown") }
        guard let n = Int(value), n == 0 || n >= PlanComment.minimumMaxBytes else {
            throw CommandError("--max-bytes takes 0 (never cut) or a number of bytes ≥ \(PlanComment.minimumMaxBytes), got \(value)")
        }
        return n
    }

    /// Where a cut Markdown comment says the whole plan is.
    static func fullPlanAt(_ changes: PlannedChanges, saved: SavedPlanBytes?, shown: Bool) -> String {
        if let saved {
            let whole = "`decant show \(saved.path)`, or `decant show \(saved.path) --format markdown --max-bytes 0`"
            return shown ? whole : "the saved plan `\(saved.path)` (a CI job's artifact): " + whole
        }
        if changes.rollback != nil { return "`decant rollback --env \(changes.environment) … --plan-only` (text)" }
        return "`decant plan --env \(changes.environment)` (text), or `--format markdown --max-bytes 0`"
    }
}

/// `decant show FILE`: renders a saved plan again.
enum ShowCommand {
    static let command = Command(CommandSpec(
        name: "show", summary: "Render a saved plan (from `decant plan --out FILE`) and its SHA-256.",
        usage: "FILE [--format text|json|markdown]",
        options: [
            OptionSpec("format", value: "FORMAT", help: "text (default), json or markdown."),
            PlanCommand.maxBytesOption,
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
        let file = arguments.positionals[0]
        let bytes = try SavedPlanBytes.read(file, context)
        let saved = try bytes.decode()
        try PlanCommand.render(saved.changes, arguments, context, saved: bytes, shown: true)
        if (arguments.value("format") ?? "text") == "text" { context.console.out("\n" + bytes.digestLine + "\n") }
        try PlanCommand.writeCodePatch(saved.changes, arguments, context)
        return saved.changes.hasErrors ? ExitCode.failure : ExitCode.success
    }
}
