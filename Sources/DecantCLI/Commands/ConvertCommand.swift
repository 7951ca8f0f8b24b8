import DecantCore
import DecantPlanFile
import Foundation

/// `decant convert FILE`: turns the seed's `migration_configs.yaml` into a native
/// plan file, printed or written with `--out`.
enum ConvertCommand {
    static let command = Command(
        CommandSpec(
            name: "convert", summary: "Convert a migration_configs.yaml (the seed's format) into a native plan file.",
            usage: "FILE [--out FILE]",
            options: [OptionSpec("out", value: "FILE", help: "Write the plan file here instead of standard output.")],
            positionals: [PositionalSpec("FILE", help: "The migration_configs.yaml to convert.")],
            discussion: "The output validates for dev, stg and prod; review it, set the projects, and put it in plans/. Exit status 1 on any error.",
            examples: [
                .init("Print the native plan of the seed's file", "decant convert migration_configs.yaml"),
                .init("Write it into the plan directory", "decant convert migration_configs.yaml --out plans/converted.yaml"),
            ])
    ) { arguments, context in
        guard let given = arguments.positionals.first else { throw CommandError("convert needs a FILE") }
        let path = context.resolve(given)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("cannot read `\(given)`")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw CommandError("`\(given)` is not valid UTF-8")
        }
        let (output, diagnostics) = SeedConverter.convert(text, fileName: given)
        PlanOutput.printDiagnostics(diagnostics, context: context)
        if let output {
            if let out = arguments.value("out") {
                try OutputFile.write(Data(output.utf8), to: context.resolve(out), named: out)
            } else {
                context.console.out(output)
            }
        }
        return diagnostics.hasErrors || output == nil ? ExitCode.failure : ExitCode.success
    }
}
