import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// Where the state lives, as every command sees it (issue 14, defects 4 and 7, and
/// `state show`'s totals): one state per location whatever the prefix spelling,
/// and anything at that location that is not a decant state is an error naming
/// it, never a new state.
@Suite struct StateLocationCommandTests {
    static let stateLine = #"state: { backend: local, path: "state/${env}.db" }"#

    func useGCSState(_ repo: CLIRepo, bucket: String, prefix: String) throws {
        let file = repo.directory.url.appendingPathComponent("plans/plan.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try repo.directory.write("plans/plan.yaml", text.replacingOccurrences(
            of: Self.stateLine, with: "state: { backend: gcs, bucket: \(bucket), prefix: \"\(prefix)\" }"))
    }

    @Test func anEmptyOrForeignStateFileIsAnErrorThatNamesItAndChangesNothing() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        let state = repo.directory.url.appendingPathComponent("state/dev.db")
        for (content, problem) in [(Data(), "the file is empty"),
                                   (Data(String(repeating: "{\"serial\": 3}\n", count: 80).utf8), "it is not a SQLite database")] {
            try repo.directory.write("state/dev.db", "")
            try content.write(to: state)
            for arguments in [["apply", "--env", "dev", "--auto-approve"], ["plan", "--env", "dev"], ["state", "show", "--env", "dev"],
                              ["rollback", "--env", "dev", "--to", "0", "--auto-approve"]] {
                let result = await repo.run(arguments)
                #expect(result.code == 1, "\(arguments): \(result.err)")
                #expect(result.err.contains("\(state.path) is not a decant state: \(problem)"), "\(arguments): \(result.err)")
                #expect(result.err.contains("restore it"), "the error says what to do: \(result.err)")
            }
            #expect(try Data(contentsOf: state) == content, "the file was changed")
            #expect(try await repo.store.getBucket(repo.target) == nil, "apply went ahead on a state it could not read")
        }
    }

    /// A state that is a link to nothing is not "never applied": plan and the state
    /// views read it as apply does (once, they showed serial 0 and adopted every copy).
    @Test func aStateLinkedToNothingIsRefusedByEveryCommand() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve"]).code == 0)
        let state = repo.directory.url.appendingPathComponent("state/dev.db")
        try FileManager.default.moveItem(at: state, to: repo.directory.url.appendingPathComponent("moved.db"))
        try FileManager.default.createSymbolicLink(atPath: state.path, withDestinationPath: repo.directory.path + "/gone/dev.db")
        for arguments in [["plan", "--env", "dev"], ["state", "history", "--env", "dev"], ["state", "show", "--env", "dev"],
                          ["apply", "--env", "dev", "--auto-approve"], ["rollback", "--env", "dev", "--to", "0", "--auto-approve"]] {
            let result = await repo.run(arguments)
            #expect(result.code == 1, "\(arguments): \(result.out)")
            #expect(result.err.contains("\(state.path) is not a decant state: it is a symbolic link to a file that does not exist"),
                    "\(arguments): \(result.err)")
        }
    }

    @Test func aGCSStatePrefixWithATrailingSlashIsOneState() async throws {
        let repo = try await CLIRepo(.fakeGCS)
        defer { repo.remove() }
        let stateBucket = UniqueName.bucket("state")
        _ = try await repo.store.createBucket(stateBucket, project: "test", settings: BucketSettings())
        try useGCSState(repo, bucket: stateBucket, prefix: "data-platform/")

        let apply = await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"])
        #expect(apply.code == 0, "\(apply.err)")
        let objects = try await repo.store.listObjects(stateBucket, ListOptions()).all().map(\.name)
        #expect(objects == ["data-platform/dev.db"])
        // Every command reads what apply wrote.
        let plan = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20", "--detailed-exitcode"])
        #expect(plan.code == 0, "a second plan finds changes: \(plan.out)")
        let history = await repo.run(["state", "history", "--env", "dev"])
        #expect(history.out.contains("1       apply     succeeded"), "\(history.out)\(history.err)")
        let show = await repo.run(["state", "show", "--env", "dev"])
        #expect(show.out.contains("gs://\(stateBucket)/data-platform/dev.db"), "\(show.out)")
        let rollback = await repo.run(["rollback", "--env", "dev", "--to", "0", "--auto-approve"])
        #expect(rollback.code == 0, "\(rollback.err)")
        #expect(try await repo.store.getBucket(repo.target) == nil)
    }

    @Test func anEmptyGCSStateObjectIsRefused() async throws {
        let repo = try await CLIRepo(.fakeGCS)
        defer { repo.remove() }
        let stateBucket = UniqueName.bucket("state")
        _ = try await repo.store.createBucket(stateBucket, project: "test", settings: BucketSettings())
        _ = try await repo.store.upload(stateBucket, "data-platform/dev.db", data: Data(), ifGenerationMatch: 0, contentType: nil, metadata: nil)
        try useGCSState(repo, bucket: stateBucket, prefix: "data-platform")
        for arguments in [["apply", "--env", "dev", "--auto-approve"], ["plan", "--env", "dev"], ["state", "history", "--env", "dev"]] {
            let result = await repo.run(arguments)
            #expect(result.code == 1, "\(arguments): \(result.err)")
            #expect(result.err.contains("gs://\(stateBucket)/data-platform/dev.db is not a decant state: the file is empty"), "\(result.err)")
        }
        #expect(try await repo.store.getBucket(repo.target) == nil)
        #expect(try await repo.store.listObjects(stateBucket, ListOptions()).all().map(\.name) == ["data-platform/dev.db"], "the lock stayed behind")
    }

    /// `state show`'s byte total is the total of the copies it counts, adopted ones
    /// included (as `state list` counts them).
    @Test func stateShowBytesMatchItsCounts() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        // One object is in the target already, identical: adopted.
        let (name, data) = try #require(repo.migratedOriginals.sorted { $0.key < $1.key }.first { $0.key.contains("/api_reco/") })
        _ = try await repo.store.createBucket(repo.target, project: "test", settings: BucketSettings(labels: ["use_case": "historization"]))
        _ = try await repo.store.upload(repo.target, "archives/" + name.dropFirst(CLIRepo.migrated.count), data: data,
                                        ifGenerationMatch: 0, contentType: nil, metadata: nil)
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"]).code == 0)
        let show = await repo.run(["state", "show", "--env", "dev", "--format", "json"])
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any])["stats"] as? [String: Any]
        let total = repo.migratedOriginals.values.reduce(0) { $0 + $1.count }
        #expect(stats?["current_copies"] as? Int == repo.migratedOriginals.count)
        #expect(stats?["adopted_copies"] as? Int == 1)
        #expect(stats?["current_bytes"] as? Int == total, "\(show.out)")
        #expect(stats?["adopted_bytes"] as? Int == data.count, "\(show.out)")
        let text = await repo.run(["state", "show", "--env", "dev"])
        #expect(text.out.contains("\(repo.migratedOriginals.count) current (\(ByteFormat.string(Int64(total))))"), "\(text.out)")
        #expect(text.out.contains("1 adopted (\(ByteFormat.string(Int64(data.count))))"), "\(text.out)")
    }
}
