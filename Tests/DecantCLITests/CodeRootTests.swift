@testable import DecantCLI
import Foundation
import TestSupport
import Testing

/// plan, apply and analyze reach the code through the engine's `CodeSurvey` alone:
/// a code root that is not a folder is the engine's one error, whichever command meets it.
@Suite struct CodeRootTests {
    @Test func aMissingCodeRootIsTheSameErrorForEveryCommand() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        try FileManager.default.removeItem(atPath: repo.path + "/code")
        let said = "error: code root \(repo.path)/code does not exist or is not a directory"
        for arguments in [["plan", "--env", "dev"], ["apply", "--env", "dev", "--auto-approve"],
                          ["analyze", "--env", "dev", "--bucket", repo.source]] {
            let result = await repo.run(arguments)
            #expect(result.code == 1 && result.err.contains(said), "\(arguments): \(result.err)")
        }
        let elsewhere = await repo.run(["analyze", "--env", "dev", "--bucket", repo.source, "--code", "nope"])
        #expect(elsewhere.err.contains("error: code root \(repo.path)/nope does not exist or is not a directory"), "\(elsewhere.err)")
    }
}
