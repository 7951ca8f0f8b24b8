import DecantCore
import DecantPlanFile

/// `decant validate`: reads the plan files and reports every mistake, touching
/// nothing and calling no network.
enum ValidateCommand {
    static let command = Command(
        CommandSpec(
            name: "validate", summary: "Check the plan files, without network access.",
            usage: "[--plans DIR] [--env ENV]",
            options: [
                OptionSpec("plans", value: "DIR", help: "The plan directory (default: plans)."),
                OptionSpec("env", value: "ENV", help: "Check one environment (default: every declared one)."),
            ],
            discussion: "Diagnostics go to standard error as file:line:column: severity: message. Exit status: 0 when valid (warnings allowed), 1 otherwise.",
            examples: [
                .init("Check every environment of plans/", "decant validate"),
                .init("Check prod only, with the plan files in infra/plans", "decant validate --plans infra/plans --env prod"),
            ])
    ) { arguments, context in
        let given = arguments.value("plans") ?? "plans"
        let directory = context.resolve(given)
        let planSet = PlanSet.read(directory: directory, shownAs: context.shown(directory))
        let (environments, plans, diagnostics) = planSet.resolveEach(arguments.value("env"))
        PlanOutput.printDiagnostics(diagnostics, context: context)
        guard !diagnostics.hasErrors else {
            let errors = diagnostics.errors.count
            context.console.err("\(given) is not valid: \(errors) error\(errors == 1 ? "" : "s")\n")
            return ExitCode.failure
        }
        var bucketKeys = Set<String>()
        var migrationKeys = Set<String>()
        var prices: [Diagnostic] = []
        for plan in plans {
            bucketKeys.formUnion(plan.buckets.map(\.key))
            migrationKeys.formUnion(plan.migrations.map(\.key))
            // Environments usually share one table: each mistake once.
            prices += PricingLoader.pricing(plan.pricing, resolve: context.resolve).diagnostics.filter { !prices.contains($0) }
        }
        PlanOutput.printDiagnostics(prices, context: context)
        let priceErrors = prices.errors.count
        guard priceErrors == 0 else {
            context.console.err("\(given) is not valid: \(priceErrors) error\(priceErrors == 1 ? "" : "s") in the price table\n")
            return ExitCode.failure
        }
        let shown = given.hasSuffix("/") ? given : given + "/"
        context.console.out("\(shown) is valid for \(environments.joined(separator: ", ")): "
            + "\(PlanOutput.count(bucketKeys.count, "bucket")), \(PlanOutput.count(migrationKeys.count, "migration"))\n")
        return ExitCode.success
    }
}

/// Printing helpers shared by the commands that read plan files.
enum PlanOutput {
    /// Each diagnostic on its own line on standard error, with paths relative to the working directory.
    static func printDiagnostics(_ diagnostics: [Diagnostic], context: CommandContext) {
        for var diagnostic in diagnostics {
            if let file = diagnostic.location?.file { diagnostic.location?.file = context.shown(file) }
            context.console.err(diagnostic.description + "\n")
        }
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
