import DecantCore

enum VersionCommand {
    static let command = Command(
        CommandSpec(name: "version", summary: "Print the version of decant.", usage: "", examples: [
            .init("Print the version", "decant version"),
            .init("The same, as a global option", "decant --version"),
        ])
    ) { _, context in
        context.console.out("decant \(DecantVersion.current)\n")
        return ExitCode.success
    }
}
