import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// `decant rollback` end to end through `DecantCLI.main`, on the local store and on
/// fake-gcs-server: what apply made is gone, what cleanup deleted is back byte for
/// byte, what someone changed since is left alone and reported.
@Suite struct RollbackCommandTests {
    static let day1 = ["--now", "2026-11-20"]
    static let weekLater = ["--now", "2026-11-28"]

    @Test(arguments: commandStores) func aCopyRolledBackLeavesNothingDecantMade(_ kind: StoreKind) async throws {
        let repo = try await CLIRepo(kind)
        defer { repo.remove() }
        let apply = await repo.run(["apply", "--env", "dev", "--auto-approve"] + Self.day1)
        #expect(apply.code == 0, "\(apply.err)")
        #expect(try await repo.records(repo.target).count == repo.migratedOriginals.count)
        #expect(try repo.code() != repo.originalCode)

        // No terminal and no --auto-approve: the plan is shown, nothing is done.
        let refused = await repo.run(["rollback", "--env", "dev", "--to", "0"])
        #expect(refused.code == 1)
        #expect(refused.err.contains("rollback needs confirmation: run it on a terminal, or pass --auto-approve"))
        #expect(refused.out.contains("back to serial 0"))
        let cancelled = await repo.run(["rollback", "--env", "dev", "--to", "0"], answers: ["no"])
        #expect(cancelled.code == 1)
        #expect(cancelled.err.contains("Do you want to roll dev back to serial 0? Only 'yes' will be accepted"))
        #expect(cancelled.err.contains("Rollback cancelled; nothing was changed."))
        #expect(try await repo.records(repo.target).count == repo.migratedOriginals.count)

        let rollback = await repo.run(["rollback", "--env", "dev", "--to", "0"], answers: ["yes"])
        #expect(rollback.code == 0, "\(rollback.err)")
        #expect(rollback.out.contains("Rollback complete (state serial 2"))
        #expect(rollback.out.contains("~ files reverted             1"))
        #expect(try await repo.store.getBucket(repo.target) == nil, "the bucket decant created is gone")
        #expect(try repo.code() == repo.originalCode, "the code file is back byte for byte")
        #expect(try await repo.contents(repo.source) == repo.originals, "the sources were never touched")

        let history = await repo.run(["state", "history", "--env", "dev"])
        let lines = history.out.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("1       apply     succeeded") })
        #expect(lines.contains { $0.hasPrefix("2       rollback  succeeded") })
        #expect(lines.contains("        1 bucket(s) created, \(repo.migratedOriginals.count) object(s) copied (\(ByteFormat.string(Self.bytes(repo.migratedOriginals)))), \(repo.migratedOriginals.count) verified, 1 file(s) edited"))
        #expect(lines.contains("        rolled back to serial 0: \(repo.migratedOriginals.count) copies removed, 1 file(s) reverted, 1 bucket(s) deleted"))

        let again = await repo.run(["rollback", "--env", "dev", "--last", "--auto-approve"])
        #expect(again.code == 0)
        #expect(again.err == "Nothing to roll back: everything decant recorded is undone already.\n")
        // The migration can be applied again from scratch.
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve"] + Self.day1).code == 0)
        #expect(try await repo.records(repo.target).count == repo.migratedOriginals.count)
    }

    @Test(arguments: commandStores) func sourcesDeletedByCleanupComeBackByteForByte(_ kind: StoreKind) async throws {
        let repo = try await CLIRepo(kind)
        defer { repo.remove() }
        let before = try await repo.records(repo.source)
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve"] + Self.day1).code == 0)
        // Too early: the validation period has not passed, nothing is deleted.
        let early = await repo.run(["plan", "--env", "dev", "--now", "2026-11-21"])
        #expect(!early.out.contains("delete_source"))
        let cleanup = await repo.run(["apply", "--env", "dev", "--auto-approve"] + Self.weekLater)
        #expect(cleanup.code == 0, "\(cleanup.err)")
        #expect(cleanup.out.contains("- sources deleted"))
        #expect(try await repo.records(repo.source, prefix: CLIRepo.migrated).isEmpty)

        // Reviewed as JSON and Markdown, saved, then applied from the file.
        let json = await repo.run(["rollback", "--env", "dev", "--last", "--plan-only", "--format", "json"])
        #expect(json.code == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let section = try #require(object["rollback"] as? [String: Any])
        #expect(section["target"] as? Int == 1)
        let restores = try #require(section["restores"] as? [[String: Any]])
        #expect(restores.first?["objects"] as? Int == repo.migratedOriginals.count)
        #expect((section["removals"] as? [Any])?.isEmpty == true, "--last undoes only the cleanup")
        let markdown = await repo.run(["rollback", "--env", "dev", "--to", "0", "--plan-only", "--format", "markdown"])
        #expect(markdown.out.hasPrefix("<!-- decant rollback: dev -->\n### decant rollback plan for `dev`"))
        #expect(markdown.out.contains("restore `historization`"))

        let saved = await repo.run(["rollback", "--env", "dev", "--to", "0", "--out", "rollback.plan"])
        #expect(saved.code == 0)
        #expect(saved.err.contains("Saved the rollback plan to rollback.plan: apply it with `decant rollback --env dev rollback.plan`."))
        let viaApply = await repo.run(["apply", "--env", "dev", "rollback.plan"])
        #expect(viaApply.code == 1)
        #expect(viaApply.err.contains("rollback.plan is a rollback plan: run it with `decant rollback --env dev rollback.plan`"))
        let both = await repo.run(["rollback", "--env", "dev", "--to", "0", "rollback.plan"])
        #expect(both.code == 1 && both.err.contains("not both"))
        // Nothing was changed by planning, saving or refusing.
        #expect(try await repo.records(repo.source, prefix: CLIRepo.migrated).isEmpty)

        let applied = await repo.run(["rollback", "--env", "dev", "rollback.plan"])
        #expect(applied.code == 0, "\(applied.err)")
        #expect(applied.out.contains("+ objects restored"))
        let after = try await repo.records(repo.source)
        #expect(Set(after.keys) == Set(before.keys))
        for (name, original) in before {
            let back = try #require(after[name])
            #expect(back.hasSameContent(as: original), "\(name): same size, crc32c and md5")
            #expect(back.crc32c != nil && back.crc32c == original.crc32c)
        }
        #expect(try await repo.contents(repo.source) == repo.originals)
        try await repo.checkWithPythonClient()
        #expect(try await repo.store.getBucket(repo.target) == nil)
        #expect(try repo.code() == repo.originalCode)

        // The saved plan was made at serial 2: now that serial 3 exists it is stale.
        let stale = await repo.run(["rollback", "--env", "dev", "rollback.plan"])
        #expect(stale.code == 1)
        #expect(stale.err.contains("it was made against state serial 2, the state is now at serial 3; plan the rollback again with `decant rollback --env dev --to 0 --out rollback.plan`"))

        let history = await repo.run(["state", "history", "--env", "dev"])
        #expect(history.out.contains("        \(repo.migratedOriginals.count) source(s) deleted\n"))
        #expect(history.out.contains("3       rollback  succeeded"))
        #expect(history.out.contains("        rolled back to serial 0: \(repo.migratedOriginals.count) source(s) restored, \(repo.migratedOriginals.count) copies removed, 1 file(s) reverted, 1 bucket(s) deleted\n"))
    }

    @Test(arguments: commandStores) func aTargetChangedAfterTheCopyIsLeftAloneAndReported(_ kind: StoreKind) async throws {
        let repo = try await CLIRepo(kind)
        defer { repo.remove() }
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve"] + Self.day1).code == 0)
        let copies = try await repo.records(repo.target)
        let changed = try #require(copies.keys.sorted().first)
        let theirs = Data("a newer export someone wrote over the copy".utf8)
        _ = try await repo.store.upload(repo.target, changed, data: theirs, ifGenerationMatch: nil, contentType: nil, metadata: nil)

        let rollback = await repo.run(["rollback", "--env", "dev", "--to", "0", "--auto-approve"])
        #expect(rollback.code == 1, "not fully back: the exit code says so")
        #expect(rollback.out.contains("Left alone"))
        #expect(rollback.out.contains("gs://\(repo.target)/\(changed) is generation"))
        #expect(rollback.out.contains("delete_copy: changed since decant copied it; left alone: 1 object"))
        #expect(rollback.err.contains("2 item(s) were left alone (see \"Left alone\" in the plan): the environment is not fully back to serial 0."))
        #expect(try await repo.contents(repo.target) == [changed: theirs], "only the changed object remains, with its new bytes")
        #expect(try await repo.store.getBucket(repo.target) != nil, "a bucket is deleted only when empty")
        #expect(try await repo.contents(repo.source) == repo.originals)
        #expect(try repo.code() == repo.originalCode)

        // Planned again, only what needs a person is left, and nothing is done.
        let again = await repo.run(["rollback", "--env", "dev", "--to", "0", "--auto-approve"])
        #expect(again.code == 1)
        #expect(again.err.contains("Nothing can be rolled back automatically: 2 item(s) need a person."))
        #expect(try await repo.contents(repo.target) == [changed: theirs])
    }

    @Test func helpAndArgumentMistakes() async throws {
        let repo = try await CLIRepo(.local, objects: 2)
        defer { repo.remove() }
        let help = await repo.run(["rollback", "--help"])
        #expect(help.code == 0)
        for option in ["--to SERIAL", "--last", "--plan-only", "--format FORMAT", "--out FILE", "--auto-approve", "SAVED_PLAN"] {
            #expect(help.out.contains(option), "\(option)")
        }
        let fresh = await repo.run(["rollback", "--env", "dev", "--to", "0", "--auto-approve"])
        #expect(fresh.code == 0)
        #expect(fresh.err.hasPrefix("Nothing to roll back: dev has no state yet"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/state/dev.db"), "no state is made only to find nothing in it")

        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve"] + Self.day1).code == 0)
        let mistakes: [([String], String)] = [
            ([], "rollback needs --to SERIAL (0 undoes everything) or --last"),
            (["--to", "0", "--last"], "give --to SERIAL or --last, not both"),
            (["--to", "-1"], "--to takes a state serial ≥ 0"),
            (["--to", "one"], "--to takes a state serial ≥ 0"),
            (["--to", "7"], "7"),
            (["--to", "0", "--format", "json"], "--format json shows a plan without applying it: add --plan-only or --out FILE"),
        ]
        for (arguments, message) in mistakes {
            let result = await repo.run(["rollback", "--env", "dev", "--auto-approve"] + arguments)
            #expect(result.code != 0, "\(arguments)")
            #expect(result.err.contains(message), "\(arguments): \(result.err)")
        }
        #expect(try await repo.store.getBucket(repo.target) != nil, "no mistake changed anything")
        let history = await repo.run(["state", "history", "--env", "dev"])
        #expect(!history.out.contains("  rollback  "), "refused rollbacks leave no run behind")
    }

    static func bytes(_ contents: [String: Data]) -> Int64 { contents.values.reduce(0) { $0 + Int64($1.count) } }
}
