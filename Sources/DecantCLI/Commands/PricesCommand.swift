import Foundation
import DecantCore
import DecantPlanFile

/// `decant prices`: prints decant's built-in price table, the format a plan's own
/// table (`pricing: { table: FILE }`) is written in.
enum PricesCommand {
    static let command = Command(
        CommandSpec(name: "prices", summary: "Print the built-in price table (to start your own from).", usage: "[--out FILE]",
                    options: [OptionSpec("out", value: "FILE", help: "Write the table to FILE instead of standard output.")],
                    discussion: "Plans are costed with this table unless the plan files say `pricing: { table: FILE }`; "
                        + "`pricing: { discount: 0.15 }` and per-class prices adjust either table.",
                    examples: [
                        .init("Read the prices every plan is costed with", "decant prices"),
                        .init("Start the company's own table from it, then name it in the plan files",
                              "decant prices --out pricing/negotiated.yaml"),
                    ])
    ) { arguments, context in
        let text = BuiltInPriceTable.text.hasSuffix("\n") ? BuiltInPriceTable.text : BuiltInPriceTable.text + "\n"
        if let out = arguments.value("out") {
            try OutputFile.write(Data(text.utf8), to: context.resolve(out), named: out)
        } else {
            context.console.out(text)
        }
        return ExitCode.success
    }
}

extension Workspace {
    /// The prices to cost `plan` with: its `pricing:` applied to the table it names
    /// (relative to the working directory) or to the built-in one.
    func pricing(for plan: Plan) throws -> Pricing {
        let (pricing, diagnostics) = PricingLoader.pricing(plan.pricing, resolve: context.resolve)
        PlanOutput.printDiagnostics(diagnostics, context: context)
        guard let pricing, !diagnostics.hasErrors else {
            throw CommandError("the price table has \(max(diagnostics.errors.count, 1)) error(s); nothing was done")
        }
        return pricing
    }
}
