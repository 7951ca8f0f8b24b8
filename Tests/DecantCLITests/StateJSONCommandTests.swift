import DecantCLI
import DecantCore
import Foundation
import TestSupport
import Testing

/// `decant state list|show|history --format json` prints versioned documents
/// (format version 1, README "decant state"), before the first apply and after.
@Suite struct StateJSONCommandTests {
    func document(_ repo: CLIRepo, _ view: String) async throws -> [String: Any] {
        let result = await repo.run(["state", view, "--env", "dev", "--format", "json"])
        #expect(result.code == 0, "\(result.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], "\(result.out)")
        #expect(object["format_version"] as? String == "1", "\(result.out)")
        #expect(object["environment"] as? String == "dev")
        #expect(((object["state"] as? [String: Any])?["location"] as? String)?.hasSuffix("/state/dev.db") == true, "\(result.out)")
        return object
    }

    @Test func beforeTheFirstApplyTheDocumentsAreEmpty() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        let history = try await document(repo, "history")
        #expect((history["runs"] as? [Any])?.isEmpty == true)
        #expect((history["state"] as? [String: Any])?["serial"] as? Int == 0)
        #expect((history["state"] as? [String: Any])?["lineage"] == nil)
        let list = try await document(repo, "list")
        #expect((list["created_buckets"] as? [Any])?.isEmpty == true && (list["migrations"] as? [Any])?.isEmpty == true)
        let show = try await document(repo, "show")
        #expect(show["stats"] == nil && show["lock"] == nil)
        #expect(!FileManager.default.fileExists(atPath: repo.directory.url.appendingPathComponent("state/dev.db").path),
                "reading made a state")
        let unknown = await repo.run(["state", "status", "--env", "dev", "--format", "json"])
        #expect(unknown.code == 1 && unknown.err.contains("unknown state subcommand 'status'"), "\(unknown.out)\(unknown.err)")
    }

    @Test func afterAnApplyTheyHoldWhatItDid() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"]).code == 0)
        let copied = repo.migratedOriginals.count

        let history = try await document(repo, "history")
        let runs = try #require(history["runs"] as? [[String: Any]])
        #expect(runs.count == 1 && runs.first?["kind"] as? String == "apply" && runs.first?["status"] as? String == "succeeded")
        #expect((runs.first?["ledger"] as? [String: Any])?["objects_copied"] as? Int == copied, "\(runs)")
        #expect(runs.first?["lock_lost"] as? Bool == false)
        let header = try #require(history["state"] as? [String: Any])
        #expect(header["serial"] as? Int == 1)

        let list = try await document(repo, "list")
        let bucket = try #require((list["created_buckets"] as? [[String: Any]])?.first)
        #expect(bucket["name"] as? String == repo.target && bucket["serial"] as? Int == 1)
        let settings = try #require(bucket["settings"] as? [[String: Any]])
        #expect(settings.contains { $0["field"] as? String == "labels" && $0["value"] as? String == "{use_case: historization}" }, "\(settings)")
        let migration = try #require((list["migrations"] as? [[String: Any]])?.first)
        #expect(migration["migration"] as? String == "historization" && migration["copies"] as? Int == copied)
        #expect((list["code_edits"] as? [[String: Any]])?.first?["path"] as? String == CLIRepo.codePath)

        let show = try await document(repo, "show")
        #expect((show["stats"] as? [String: Any])?["current_copies"] as? Int == copied)
        #expect(show["lock"] == nil, "the lock of a finished apply is gone")
        #expect((show["state"] as? [String: Any])?["lineage"] as? String == header["lineage"] as? String)
        #expect(header["lineage"] as? String != nil)
    }
}
