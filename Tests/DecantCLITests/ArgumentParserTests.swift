@testable import DecantCLI
import Testing

@Suite struct ArgumentParserTests {
    let spec = CommandSpec(name: "plan", summary: "s", usage: "u",
                           options: [OptionSpec("env", value: "ENV", help: "e"), OptionSpec("target", value: "NAME", repeatable: true, help: "t"),
                                     .flag("auto-approve", help: "a")],
                           positionals: [PositionalSpec("FILE", optional: true, help: "f")])

    @Test func parsesLongOptionsEqualsAndDoubleDash() throws {
        let p = try ArgumentParser.parse(["--env=dev", "--target", "a", "--target=b", "--auto-approve", "--", "--weird"], for: spec)
        #expect(p.value("env") == "dev")
        #expect(p.all("target") == ["a", "b"])
        #expect(p.flag("auto-approve"))
        #expect(p.positionals == ["--weird"])
    }

    @Test func unknownOptionSuggests() {
        #expect(throws: UsageError("unknown option '--evn' for 'decant plan'; did you mean '--env'?", command: "plan")) {
            try ArgumentParser.parse(["--evn", "dev"], for: spec)
        }
    }

    @Test func errors() {
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["--env"], for: spec) }
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["--env", "a", "--env", "b"], for: spec) }
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["a", "b"], for: spec) }
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["-e"], for: spec) }
    }

    @Test func mainDispatchesAndSuggests() async {
        let console = CapturingConsole()
        #expect(await DecantCLI.main(["--version"], console: console) == 0)
        #expect(console.stdout.hasPrefix("decant "))
        let bad = CapturingConsole()
        #expect(await DecantCLI.main(["versoin"], console: bad) == 1)
        #expect(bad.stderr.contains("did you mean 'version'?"))
    }
}
