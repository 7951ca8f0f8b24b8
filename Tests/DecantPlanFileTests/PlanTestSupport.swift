import DecantCore
@testable import DecantPlanFile
import Foundation

/// Loads plan text from memory, as if it were files of a plan directory.
enum PlanText {
    static let header = """
    decant: 1
    environments:
      dev: { project: p-dev }
      stg: { project: p-stg }
    storage: { provider: local, root: store }

    """

    static func files(_ files: [(String, String)]) -> [PlanSourceFile] {
        files.map { PlanSourceFile(path: "plans/\($0.0)", relativePath: $0.0, bytes: Array($0.1.utf8)) }
    }

    static func load(_ text: String, env: String = "dev", file: String = "plan.yaml") -> (plan: Plan?, diagnostics: [Diagnostic]) {
        PlanSet(files: files([(file, text)])).resolve(env)
    }

    static func load(files list: [(String, String)], env: String = "dev") -> (plan: Plan?, diagnostics: [Diagnostic]) {
        PlanSet(files: files(list)).resolve(env)
    }

    static func validate(_ text: String, env: String? = nil) -> (environments: [String], diagnostics: [Diagnostic]) {
        PlanSet(files: files([("plan.yaml", text)])).validate(environment: env)
    }

    /// The errors' messages, for `contains` checks.
    static func errors(_ text: String, env: String = "dev") -> [Diagnostic] {
        load(text, env: env).diagnostics.errors
    }
}

extension Diagnostic {
    /// `line:column` of the diagnostic, for exact position checks.
    var position: String { location.map { "\($0.line):\($0.column)" } ?? "-" }
}

extension Array where Element == Diagnostic {
    func containing(_ fragment: String) -> [Diagnostic] { filter { $0.description.contains(fragment) } }
}

/// Paths in the repository, found from this file's own path.
enum Repository {
    static func root(_ file: String = #filePath) -> URL {
        URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func fixture(_ name: String) throws -> String {
        let url = root().appendingPathComponent("Tests/DecantPlanFileTests/Fixtures/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }
}
