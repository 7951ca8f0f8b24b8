import DecantCodeRefs
import DecantCore
import DecantEngine
import DecantPlanFile
import DecantRender
import Foundation

/// `decant analyze`: the subfolder analysis the seed made by hand, from the
/// store and the code: what each folder holds, who writes and reads it, and in
/// which order to move it. Reads only; `--scaffold` writes a first plan file.
enum AnalyzeCommand {
    static let command = Command(CommandSpec(
        name: "analyze", summary: "Analyse a shared bucket: subfolders, their writers and readers, temperature, priority tiers.",
        usage: "--env ENV --bucket NAME [--code DIR] [--depth N] [--format markdown|json] [--scaffold FILE]",
        options: Workspace.options + [
            OptionSpec("bucket", value: "NAME", help: "The shared bucket (default: the plan's one source bucket)."),
            OptionSpec("code", value: "DIR", help: "The code to scan (default: the plan's code.root; its include/exclude apply only then)."),
            OptionSpec("source-ref", value: "REF", repeatable: true,
                       help: "How code names the bucket (a constant, a template); default: the plan's code.source_refs."),
            OptionSpec("depth", value: "N", help: "Analyse folders at least N levels deep (default 1; containers of use cases are split further)."),
            OptionSpec("hot-days", value: "N", help: "Hot: written within N days (default 7)."),
            OptionSpec("cold-days", value: "N", help: "Cold: nothing written for more than N days (default 30)."),
            OptionSpec("format", value: "FORMAT", help: "markdown (default) or json (versioned schema)."),
            OptionSpec("out", value: "FILE", help: "Write the report here instead of standard output."),
            OptionSpec("scaffold", value: "FILE", help: "Also write a native plan file: a bucket per use case, phases from the tiers."),
        ],
        discussion: """
        The store is the plan directory's storage for --env. Listing streams: each folder is counted \
        page by page, never held in memory. Temperatures count from --now (default: the current time).
        """,
        examples: [
            .init("The subfolder report of the shared bucket, as Markdown", "decant analyze --env dev --bucket data-bucket-dev --out analysis.md"),
            .init("A first plan file from it, one bucket per use case", "decant analyze --env dev --bucket data-bucket-dev --scaffold scaffold/plan.yaml"),
        ]
    )) { arguments, context in
        let workspace = try Workspace(arguments, context)
        let (plan, _) = try workspace.loadPlan()
        let store = try workspace.store(for: plan)
        let options = try analysisOptions(plan, arguments: arguments, workspace: workspace)
        let analysis = try await BucketAnalyzer(store: store, clock: workspace.clock).analyze(options)

        let report: String
        switch arguments.value("format") ?? "markdown" {
        case "markdown", "md": report = AnalysisMarkdownRenderer().render(analysis)
        case "json": report = AnalysisJSONRenderer().render(analysis)
        case let other: throw CommandError("--format \(other) is not one of markdown, json")
        }
        if let out = arguments.value("out") {
            try write(report, to: context.resolve(out), named: out)
        } else {
            context.console.out(report)
        }
        if let file = arguments.value("scaffold") {
            let settings = PlanScaffold.Settings(environments: environments(workspace), storage: plan.storage, state: plan.state,
                                                 code: scaffoldCode(plan, options: options, arguments: arguments))
            try write(PlanScaffold.write(analysis, settings: settings), to: context.resolve(file), named: file)
            context.console.err("Wrote a plan for \(analysis.folders.filter { !$0.directObjectsOnly }.count) use case(s) to \(file): "
                                + "check it with `decant validate --plans DIR` from a folder of its own.\n")
        }
        return ExitCode.success
    }

    static func analysisOptions(_ plan: Plan, arguments: ParsedArguments, workspace: Workspace) throws -> AnalysisOptions {
        let sources = Set(plan.migrations.map(\.source.bucket))
        guard let bucket = arguments.value("bucket") ?? (sources.count == 1 ? sources.first : nil) else {
            throw CommandError("--bucket is required (the shared bucket to analyse, e.g. data-bucket-\(plan.environment))")
        }
        var thresholds = TemperatureThresholds.standard
        thresholds.hotDays = try number(arguments, "hot-days", default: thresholds.hotDays, minimum: 0)
        thresholds.coldDays = try number(arguments, "cold-days", default: thresholds.coldDays, minimum: 0)
        let depth = try number(arguments, "depth", default: 1, minimum: 1)
        var options = AnalysisOptions(environment: plan.environment, bucket: bucket, depth: depth, thresholds: thresholds)
        options.pricing = try workspace.pricing(for: plan)

        if let codeRoot = arguments.value("code").map(workspace.context.resolve) ?? workspace.codeRoot(plan) {
            let refs = sourceRefs(plan, bucket: bucket, arguments: arguments)
            let planCode = arguments.value("code") == nil ? plan.code : nil
            options.codeLabel = arguments.value("code") ?? plan.code?.root
            options.code = CodeScanOptions(root: codeRoot, include: planCode?.include ?? [], exclude: planCode?.exclude ?? [],
                                           sourceRefs: refs, environment: plan.environment,
                                           otherEnvironmentBuckets: workspace.plans.sourceBuckets(except: plan.environment, bucket: bucket))
        }
        return options
    }

    /// The bucket itself, and how the plan (or `--source-ref`) says code names it.
    static func sourceRefs(_ plan: Plan, bucket: String, arguments: ParsedArguments) -> [String] {
        var refs = [bucket]
        for r in arguments.all("source-ref").isEmpty ? (plan.code?.sourceRefs ?? []) : arguments.all("source-ref") where !refs.contains(r) {
            refs.append(r)
        }
        return refs
    }

    /// Every declared environment with its variables (for the scaffold's `environments:`).
    static func environments(_ workspace: Workspace) -> [PlanScaffold.Environment] {
        workspace.plans.environments.map { name in
            PlanScaffold.Environment(name: name, variables: workspace.plans.variables(of: name) ?? ["env": name])
        }
    }

    /// The scaffold's `code:` section: the plan's, or the `--code` folder as given.
    static func scaffoldCode(_ plan: Plan, options: AnalysisOptions, arguments: ParsedArguments) -> CodeConfig? {
        guard let code = options.code else { return nil }
        if let given = arguments.value("code") {
            return CodeConfig(root: given, include: [], exclude: [], sourceRefs: code.sourceRefs)
        }
        return plan.code.map { CodeConfig(root: $0.root, include: $0.include, exclude: $0.exclude, sourceRefs: code.sourceRefs) }
    }

    static func number(_ arguments: ParsedArguments, _ name: String, default value: Int, minimum: Int) throws -> Int {
        guard let text = arguments.value(name) else { return value }
        guard let n = Int(text), n >= minimum else { throw CommandError("--\(name) takes a whole number ≥ \(minimum), got \(text)") }
        return n
    }

    /// A report or a scaffold; the folders are made (a scaffold is its own plan directory).
    static func write(_ text: String, to path: String, named: String) throws {
        try OutputFile.write(Data(text.utf8), to: path, named: named, createFolders: true)
    }
}
