@testable import DecantCLI
import DecantStorage
import Foundation
import TestSupport
import Testing

/// One Workspace reads the plan directory once and can resolve any environment of
/// it, with that environment's own state (what `plan --env prod` reading stg's
/// state for a promotion needs).
@Suite struct WorkspaceTests {
    @Test func anotherEnvironmentResolvesFromTheSameReadWithItsOwnState() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("plans/plan.yaml", """
        decant: 1
        environments: { dev: {}, stg: {} }
        storage: { provider: local, root: store }
        state: { backend: local, path: "state/${env}.db" }
        """)
        var arguments = ParsedArguments()
        arguments.values["env"] = ["dev"]
        let workspace = try Workspace(arguments, CommandContext(console: CapturingConsole(workingDirectory: dir.path), directory: dir.path))
        try FileManager.default.removeItem(atPath: dir.path + "/plans")
        let (dev, _) = try workspace.loadPlan()
        let (stg, _) = try workspace.loadPlan("stg")
        #expect(dev.environment == "dev" && stg.environment == "stg")
        let store = try workspace.store(for: stg)
        #expect(workspace.stateLocation(dev, store: store).hasSuffix("state/dev.db"))
        #expect(workspace.stateLocation(stg, store: store).hasSuffix("state/stg.db"))
    }
}
