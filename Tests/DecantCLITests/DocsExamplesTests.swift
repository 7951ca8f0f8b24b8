@testable import DecantCLI
import Foundation
import TestSupport
import Testing

/// Every example in README.md and docs/ still works with this decant: each plan
/// snippet passes `decant validate`, each command line parses, each script named
/// exists, each JSON example parses, and the pages the help names are there.
@Suite struct DocsExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var pages: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root.path + "/docs")) ?? []
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    @Test func everyPageHasExamplesChecked() throws {
        #expect(Self.pages.count >= 10, "\(Self.pages)")
        let blocks = try Self.pages.flatMap { try DocSnippets.blocks(of: $0, root: Self.root) }
        #expect(blocks.filter { $0.language == "yaml" }.count >= 3)
        #expect(blocks.filter { $0.language == "sh" || $0.language == "console" }.count >= 3)
    }

    @Test(arguments: pages)
    func theExamplesOfAPageWork(_ page: String) async throws {
        for block in try DocSnippets.blocks(of: page, root: Self.root) {
            let problems = await DocSnippets.problems(block, root: Self.root)
            #expect(problems.isEmpty, "\(block.place): \(problems.joined(separator: "\n"))")
        }
    }

    /// The checker itself: each of these is a broken example it must catch.
    @Test(arguments: [
        ("yaml", "decant: 1\nenvironments: { dev: {} }\nstorage: { provider: local, root: s }\nbuckets:\n  a: { versioning: yes }\n",
         "must be `true` or `false`"),
        ("yaml", "buckets:\n  a: {}\n", "must start with `# fragment:"),
        ("yaml", "# fragment: a bucket\nbuckets:\n  a: { lifecycle: nope }\n", "nope"),
        ("yaml", "# fragment: pricing\npricing: { table: missing.yaml, discount: 15% }\n", "discount"),
        ("sh", "decant plan --env dev --nope\n", "unknown option '--nope'"),
        ("sh", "decant plans --env dev\n", "unknown command 'plans'"),
        ("sh", "examples/quickstart/walk\n", "examples/quickstart/walk"),
        ("console", "$ decant apply --env\nok\n", "needs a value"),
        ("text", "decant rollback --env ENV [--too SERIAL]\n", "--too"),
        ("json", "{\"format_version\": }\n", "not JSON"),
    ])
    func aBrokenExampleIsCaught(_ language: String, _ text: String, _ says: String) async {
        let block = DocSnippets.Block(page: "test.md", line: 1, language: language, text: text)
        let problems = await DocSnippets.problems(block, root: Self.root)
        #expect(problems.contains { $0.contains(says) }, "\(problems)")
    }

    /// `decant --help` names the reference pages, every command's help points into
    /// docs/cli.md, and every page exists, with a section per command.
    @Test func theHelpNamesPagesThatExist() async throws {
        let console = CapturingConsole()
        #expect(await DecantCLI.main(["--help"], console: console) == 0)
        for (page, _) in DecantCLI.documentation {
            #expect(console.stdout.contains("docs/" + page), "\(page)")
            #expect(FileManager.default.fileExists(atPath: Self.root.path + "/docs/" + page), "\(page)")
        }
        // And no page is left out of it.
        let written = try FileManager.default.contentsOfDirectory(atPath: Self.root.path + "/docs")
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }
        #expect(Set(DecantCLI.documentation.map(\.page)) == Set(written), "decant --help and docs/ list different pages")
        let cli = try String(contentsOf: Self.root.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        for command in DecantCLI.commands {
            #expect(cli.contains("\n## decant \(command.spec.name)\n"), "docs/cli.md has no section for \(command.spec.name)")
            #expect(Help.render(command.spec).contains("docs/cli.md#decant-\(command.spec.name)"))
        }
    }

    /// Links between the pages lead somewhere, and the README links every page.
    @Test func linksLeadToPagesThatExist() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for (page, _) in DecantCLI.documentation { #expect(readme.contains("(docs/\(page))"), "README does not link docs/\(page)") }
        for page in Self.pages {
            let text = try String(contentsOf: Self.root.appendingPathComponent(page), encoding: .utf8)
            let folder = (page as NSString).deletingLastPathComponent
            for target in DocSnippets.links(in: text) {
                let path = ((folder.isEmpty ? target : folder + "/" + target) as NSString).standardizingPath
                #expect(FileManager.default.fileExists(atPath: Self.root.path + "/" + path), "\(page) links \(target)")
            }
        }
    }

    /// The safety page names the tests that hold each promise: they exist.
    @Test func theSafetyTestsExist() throws {
        let safety = try String(contentsOf: Self.root.appendingPathComponent("docs/safety.md"), encoding: .utf8)
        let tests = try DocSnippets.testSources(Self.root)
        let names = safety.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| promise") }
            .flatMap { row in DocSnippets.codeSpans(String(row.split(separator: "|").last ?? "")) }
            .filter { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." } }
        #expect(names.count >= 30)
        for name in names where !FileManager.default.fileExists(atPath: Self.root.path + "/Tests/" + name) {
            let parts = name.split(separator: ".").map(String.init)
            let suite = parts.count == 2 ? parts[0] : (parts[0].first?.isUppercase == true ? parts[0] : nil)
            let test = parts.count == 2 ? parts[1] : (suite == nil ? parts[0] : nil)
            if let suite {
                let found = tests.contains("struct \(suite)") || tests.contains("class \(suite)")
                #expect(found, "docs/safety.md names the suite \(suite), which does not exist")
            }
            if let test {
                let found = tests.contains("func \(test)(")
                #expect(found, "docs/safety.md names the test \(name), which does not exist")
            }
        }
    }
}

/// Finds the fenced examples of a Markdown page and checks each one.
enum DocSnippets {
    struct Block: Sendable {
        var page: String
        var line: Int
        var language: String
        var text: String
        var place: String { "\(page):\(line)" }
    }

    /// The minimal plan a `# fragment:` is validated in; only the keys the fragment does not give.
    static let base: [(key: String, text: String)] = [
        ("decant", "decant: 1\n"),
        ("environments", "environments:\n  dev: {}\n"),
        ("storage", "storage: { provider: local, root: store }\n"),
    ]

    static func blocks(of page: String, root: URL) throws -> [Block] {
        let text = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
        var blocks: [Block] = []
        var open: Block?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") {
                if let block = open {
                    blocks.append(block)
                    open = nil
                } else {
                    let language = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                    open = Block(page: page, line: index + 1, language: language.isEmpty ? "text" : language, text: "")
                }
            } else if open != nil {
                open?.text += line + "\n"
            }
        }
        return blocks
    }

    static func problems(_ block: Block, root: URL) async -> [String] {
        switch block.language {
        case "yaml": return await planProblems(block.text)
        case "sh": return commandLines(block.text).flatMap { commandProblems($0, root: root) }
        case "console":
            return block.text.split(separator: "\n").filter { $0.hasPrefix("$ ") }
                .flatMap { commandProblems(String($0.dropFirst(2)), root: root) }
        case "json":
            return (try? JSONSerialization.jsonObject(with: Data(block.text.utf8))) == nil ? ["not JSON"] : []
        case "text":
            return block.text.split(separator: "\n").filter { $0.hasPrefix("decant ") }.flatMap { synopsisProblems(String($0)) }
        default:
            return ["unknown language `\(block.language)` (yaml, sh, console, json, text)"]
        }
    }

    /// A whole plan is validated alone; a `# fragment:` inside the minimal plan. A
    /// price table the snippet names is first written the way the docs say to start
    /// one (`decant prices --out FILE`).
    static func planProblems(_ text: String) async -> [String] {
        let keys = Set(text.split(separator: "\n").compactMap { line -> String? in
            guard let colon = line.firstIndex(of: ":"), line.first?.isLetter == true else { return nil }
            return String(line[..<colon])
        })
        let fragment = text.hasPrefix("# fragment:")
        guard fragment || keys.contains("decant") else {
            return ["a YAML example that is not a whole plan (no `decant:`) must start with `# fragment: …`"]
        }
        guard let dir = try? TemporaryDirectory("decant-docs") else { return ["no temporary directory"] }
        defer { dir.remove() }
        var problems: [String] = []
        do {
            _ = try dir.write("plans/example.yaml", text)
            if fragment { _ = try dir.write("plans/base.yaml", base.filter { !keys.contains($0.key) }.map(\.text).joined()) }
            for table in priceTables(in: text) {
                try FileManager.default.createDirectory(atPath: dir.path + "/" + ((table as NSString).deletingLastPathComponent),
                                                        withIntermediateDirectories: true)
                let prices = CapturingConsole(workingDirectory: dir.path)
                if await DecantCLI.main(["prices", "--out", table], console: prices) != 0 { problems.append(prices.stderr) }
            }
        } catch {
            return ["cannot write the example: \(error)"]
        }
        let console = CapturingConsole(workingDirectory: dir.path)
        if await DecantCLI.main(["validate"], console: console) != 0 { problems.append(console.stderr) }
        return problems
    }

    /// `table: FILE` in a `pricing:` section (`discount` and `classes` need none).
    static func priceTables(in text: String) -> [String] {
        text.components(separatedBy: "table:").dropFirst().compactMap { rest in
            let value = rest.drop { $0 == " " }.prefix { !" ,}\n#".contains($0) }.replacingOccurrences(of: "\"", with: "")
            return value.hasSuffix(".yaml") || value.hasSuffix(".yml") ? value : nil
        }
    }

    /// The lines of a shell example without comments.
    static func commandLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            let code = line.range(of: " #").map { String(line[..<$0.lowerBound]) } ?? (line.hasPrefix("#") ? "" : String(line))
            return code.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// `decant …` must parse as this decant parses it; anything else must be a script of the repository.
    static func commandProblems(_ line: String, root: URL) -> [String] {
        var words = shellWords(line)
        guard let program = words.first else { return [] }
        guard program == "decant" else {
            return FileManager.default.isExecutableFile(atPath: root.path + "/" + program) ? []
                : ["`\(program)` is neither decant nor an executable of the repository"]
        }
        words.removeFirst()
        while let first = words.first, first.hasPrefix("--") {
            if first == "--chdir", words.count > 1 { words.removeFirst(2) } else if ["--help", "--version"].contains(first) {
                return []
            } else { return ["unknown global option \(first)"] }
        }
        guard let name = words.first else { return [] }
        guard let command = DecantCLI.commands.first(where: { $0.spec.name == name }) else { return ["unknown command '\(name)'"] }
        do {
            _ = try ArgumentParser.parse(Array(words.dropFirst()), for: command.spec)
            return []
        } catch {
            return ["`\(line)`: \(error.message)"]
        }
    }

    /// A synopsis (`decant plan --env ENV [--format text|json]`): the command exists and has every option named.
    static func synopsisProblems(_ line: String) -> [String] {
        let words = line.split(separator: " ").map(String.init)
        guard words.count > 1, words[1].first?.isLetter == true else { return [] }
        guard let command = DecantCLI.commands.first(where: { $0.spec.name == words[1] }) else { return ["unknown command '\(words[1])'"] }
        let known = Set(command.spec.options.map(\.name) + ["help"])
        var problems: [String] = []
        var rest = Substring(line)
        while let range = rest.range(of: "--") {
            let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            if !name.isEmpty, !known.contains(String(name)) { problems.append("`decant \(words[1])` has no option --\(name)") }
            rest = rest[range.upperBound...]
        }
        return problems
    }

    /// Words as a POSIX shell splits a simple line (quotes, no expansions).
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// Relative Markdown links (`[text](page.md)`, anchors dropped); web links are not followed.
    static func links(in text: String) -> [String] {
        text.components(separatedBy: "](").dropFirst().compactMap { rest in
            let target = String(rest.prefix { $0 != ")" }.prefix { $0 != "#" })
            return target.isEmpty || target.contains("://") ? nil : target
        }
    }

    /// The `code spans` of a Markdown fragment.
    static func codeSpans(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// Every Swift source of the test targets, concatenated.
    static func testSources(_ root: URL) throws -> String {
        let tests = root.appendingPathComponent("Tests")
        var out = ""
        for case let path as String in FileManager.default.enumerator(atPath: tests.path) ?? NSEnumerator() where path.hasSuffix(".swift") {
            out += try String(contentsOf: tests.appendingPathComponent(path), encoding: .utf8)
        }
        return out
    }
}
