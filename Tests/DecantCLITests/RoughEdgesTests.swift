@testable import DecantCLI
import DecantCore
import Foundation
import TestSupport
import Testing

/// What a new user hits first (issue 14, defect 10): help with real examples,
/// `-h`, plain words for a missing output folder, and `--target` with `--phase`.
@Suite struct RoughEdgesTests {
    /// Every command's `--help` ends with two or three examples, and each one is a
    /// command line this decant parses.
    @Test func everyHelpEndsWithExamplesThatParse() async throws {
        for command in DecantCLI.commands {
            let console = CapturingConsole()
            #expect(await DecantCLI.main([command.spec.name, "--help"], console: console) == 0)
            let help = console.stdout
            let section = try #require(help.components(separatedBy: "\nExamples:\n").last, "\(command.spec.name) --help has no examples")
            #expect(help.contains("\nExamples:\n"), "\(command.spec.name) --help has no examples:\n\(help)")
            #expect((2...3).contains(command.spec.examples.count), "\(command.spec.name) has \(command.spec.examples.count) examples")
            let lines = section.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(lines.count == 2 * command.spec.examples.count && help.hasSuffix(section),
                    "the examples are not the end of \(command.spec.name) --help")
            for example in command.spec.examples {
                #expect(lines.contains("decant " + example.line.dropFirst("decant ".count)))
                var words = example.line.split(separator: " ").map(String.init)
                #expect(words.first == "decant", "\(example.line)")
                words.removeFirst()
                if words.first == command.spec.name {
                    words.removeFirst()
                    #expect(throws: Never.self, "\(example.line)") { _ = try ArgumentParser.parse(words, for: command.spec) }
                } else {
                    #expect(words == ["--version"], "\(example.line) is not an example of decant \(command.spec.name)")
                }
            }
        }
    }

    @Test func dashHIsHelp() async {
        for arguments in [["-h"], ["plan", "-h"], ["state", "-h"]] {
            let short = CapturingConsole(), long = CapturingConsole()
            #expect(await DecantCLI.main(arguments, console: short) == 0, "\(arguments): \(short.stderr)")
            #expect(await DecantCLI.main(arguments.map { $0 == "-h" ? "--help" : $0 }, console: long) == 0)
            #expect(short.stdout == long.stdout && !short.stdout.isEmpty, "\(arguments)")
        }
    }

    @Test func anOutputIntoAMissingFolderSaysSoPlainly() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        for arguments in [["plan", "--env", "dev", "--out", "plans-out/dev.plan"],
                          ["plan", "--env", "dev", "--code-out", "patches/code.patch"]] {
            let result = await repo.run(arguments)
            #expect(result.code == 1)
            let file = arguments[arguments.count - 1]
            let folder = (file as NSString).deletingLastPathComponent
            #expect(result.err.hasSuffix("error: cannot write \(file): the folder \(folder) does not exist (create it first)\n"),
                    "\(arguments): \(result.err)")
        }
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve"]).code == 0)
        let rollback = await repo.run(["rollback", "--env", "dev", "--to", "0", "--out", "nowhere/undo.plan"])
        #expect(rollback.err.hasSuffix("error: cannot write nowhere/undo.plan: the folder nowhere does not exist (create it first)\n"),
                "\(rollback.err)")
        // A saved plan is private from its first byte.
        #expect(await repo.run(["plan", "--env", "dev", "--out", "dev.plan"]).code == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: repo.path + "/dev.plan")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func targetWithPhaseExplainsTheConflict() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        let file = repo.directory.url.appendingPathComponent("plans/plan.yaml")
        try repo.directory.write("plans/plan.yaml", try String(contentsOf: file, encoding: .utf8) + """
          ml_temp:
            phase: 2
            source: "\(repo.source)/ml_temp/"
            target: "archive/ml/"

        """)
        let result = await repo.run(["plan", "--env", "dev", "--target", "historization", "--phase", "2"])
        #expect(result.code == 1)
        #expect(result.err.contains("--target historization is in phase 1, not in --phase 2"), "\(result.err)")
        #expect(!result.err.contains("did you mean"), "\(result.err)")
        let agreeing = await repo.run(["plan", "--env", "dev", "--target", "historization", "--phase", "1"])
        #expect(agreeing.code == 0, "\(agreeing.err)")
    }
}
