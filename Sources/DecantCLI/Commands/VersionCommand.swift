import DecantCore

enum VersionCommand {
    static let command = Command(
        CommandSpec(name: "version", summary: "Print the version of decant.", usage: "")
    ) { _, context in
        context.console.out("decant \(DecantVersion.current)\n")
        return ExitCode.success
    }
}
