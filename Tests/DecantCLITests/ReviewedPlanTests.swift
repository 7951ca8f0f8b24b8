import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// The pull-request flow's commands (issue 20, items 1, 2 and 5): a Markdown
/// comment that fits and names its environment, a saved plan applied only when
/// its bytes are the reviewed ones, and `--detailed-exitcode` for drift.
@Suite struct ReviewedPlanTests {
    /// `sha256sum FILE`, the digest a workflow compares with.
    static func sha256sum(_ path: String) async throws -> String {
        try await OffPool.run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            process.arguments = [path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
        }
    }

    @Test func theMarkdownCommentNamesItsEnvironmentAndFitsItsCap() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        let plan = await repo.run(["plan", "--env", "dev", "--format", "markdown"])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(plan.out.hasPrefix("<!-- decant plan: dev -->\n### decant plan for `dev`"))

        let cut = await repo.run(["plan", "--env", "dev", "--format", "markdown", "--max-bytes", "1024", "--out", "dev.plan"])
        #expect(cut.code == 0, "\(cut.err)")
        #expect(cut.out.utf8.count <= 1024, "\(cut.out.utf8.count)")
        #expect(cut.out.hasPrefix("<!-- decant plan: dev -->\n"))
        #expect(cut.out.contains("#### Held deletions (1)"), "\(cut.out)")
        #expect(cut.out.contains("- `\(CLIRepo.codePath)` (historization): +"), "\(cut.out)")
        #expect(cut.out.contains("The full plan: the saved plan `dev.plan`"), "\(cut.out)")

        for (args, message) in [(["--max-bytes", "100", "--format", "markdown"], "--max-bytes takes 0 (never cut) or a number of bytes ≥ 1024, got 100"),
                                (["--max-bytes", "x", "--format", "markdown"], "got x"),
                                (["--max-bytes", "5000"], "--max-bytes cuts a Markdown plan; add --format markdown")] {
            let refused = await repo.run(["plan", "--env", "dev"] + args)
            #expect(refused.code == 1)
            #expect(refused.err.contains(message), "\(args): \(refused.err)")
        }

        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve"]).code == 0)
        let undo = await repo.run(["rollback", "--env", "dev", "--last", "--plan-only", "--format", "markdown"])
        #expect(undo.code == 0, "\(undo.err)")
        #expect(undo.out.hasPrefix("<!-- decant rollback: dev -->\n"))
    }

    @Test func aSavedPlanIsAppliedOnlyWhenItsSHA256IsTheReviewedOne() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        let saved = await repo.run(["plan", "--env", "dev", "--out", "dev.plan"])
        #expect(saved.code == 0, "\(saved.err)")
        let file = repo.path + "/dev.plan"
        let digest = try await Self.sha256sum(file)
        #expect(digest.count == 64)
        #expect(saved.err.contains("SHA-256 (dev.plan) = \(digest)\n"), "\(saved.err)")
        #expect(saved.err.contains("--expect-sha256 \(digest)"))

        let shown = await repo.run(["show", "dev.plan"])
        #expect(shown.code == 0)
        #expect(shown.out.hasSuffix("SHA-256 (dev.plan) = \(digest)\n"), "\(shown.out)")
        let json = await repo.run(["show", "dev.plan", "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect(document?["sha256"] as? String == digest)
        let markdown = await repo.run(["show", "dev.plan", "--format", "markdown"])
        #expect(markdown.out.contains("Saved plan `dev.plan` · SHA-256 `\(digest)`"))

        // Bad values, and a flag without the file it checks.
        for (args, message) in [(["dev.plan", "--expect-sha256", "abc"], "takes a SHA-256 as 64 hex digits"),
                                (["--expect-sha256", digest], "--expect-sha256 checks a saved plan: give the file too")] {
            let refused = await repo.run(["apply", "--env", "dev"] + args)
            #expect(refused.code == 1)
            #expect(refused.err.contains(message), "\(refused.err)")
        }

        // A tampered file (one byte of JSON whitespace added, still a valid plan) is refused before anything.
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        try (original + Data(" ".utf8)).write(to: URL(fileURLWithPath: file))
        let tamperedDigest = try await Self.sha256sum(file)
        let tampered = await repo.run(["apply", "--env", "dev", "dev.plan", "--expect-sha256", digest.uppercased()])
        #expect(tampered.code == 1)
        #expect(tampered.err.contains("its SHA-256 is \(tamperedDigest), --expect-sha256 expects \(digest)"), "\(tampered.err)")
        #expect(try await repo.store.getBucket(repo.target) == nil, "a refused plan changed the store")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/state/dev.db"), "a refused plan touched the state")

        try original.write(to: URL(fileURLWithPath: file))
        let applied = await repo.run(["apply", "--env", "dev", "dev.plan", "--expect-sha256", digest])
        #expect(applied.code == 0, "\(applied.err)")
        #expect(try await repo.store.getBucket(repo.target) != nil)
        // Staleness checks stay: the same reviewed bytes, applied again, are stale.
        let again = await repo.run(["apply", "--env", "dev", "dev.plan", "--expect-sha256", digest])
        #expect(again.code == 1)
        #expect(again.err.contains("the saved plan is stale"), "\(again.err)")
    }

    /// Drift: after an apply, a change made behind decant's back is a change to plan.
    @Test func detailedExitcodeReportsDrift() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        let now = ["--now", "2026-11-20"]
        #expect(await repo.run(["plan", "--env", "dev", "--detailed-exitcode"] + now).code == 2)
        #expect(await repo.run(["apply", "--env", "dev", "--auto-approve"] + now).code == 0)
        let clean = await repo.run(["plan", "--env", "dev", "--detailed-exitcode", "--no-leftovers"] + now)
        #expect(clean.code == 0, "\(clean.out)")

        // Someone relabels the target bucket.
        _ = try await repo.store.patchBucket(repo.target, BucketPatch(labels: ["use_case": "someone-else"]), ifMetagenerationMatch: nil)
        let drifted = await repo.run(["plan", "--env", "dev", "--detailed-exitcode", "--no-leftovers"] + now)
        #expect(drifted.code == 2, "\(drifted.out)")
        #expect(drifted.out.contains("someone-else"), "the plan says what drifted: \(drifted.out)")

        // Someone overwrites a copy in the target.
        let copies = try await repo.records(repo.target)
        let copy = try #require(copies.keys.sorted().first)
        _ = try await repo.store.upload(repo.target, copy, data: Data("changed behind decant's back".utf8),
                                        ifGenerationMatch: nil, contentType: nil, metadata: nil)
        _ = try await repo.store.patchBucket(repo.target, BucketPatch(labels: ["use_case": "historization"]), ifMetagenerationMatch: nil)
        let overwritten = await repo.run(["plan", "--env", "dev", "--detailed-exitcode", "--no-leftovers"] + now)
        #expect(overwritten.code == 2, "\(overwritten.out)")
        #expect(overwritten.out.contains(copy), "the plan names the object that drifted: \(overwritten.out)")

        let broken = await repo.run(["plan", "--env", "nope", "--detailed-exitcode"])
        #expect(broken.code == 1)
    }
}

/// A saved plan cut short, padded or damaged (a partial artifact download, a disk
/// that filled up) applies nothing and says why; the private copy of its object
/// lists leaves nothing beside it.
@Suite struct DamagedSavedPlanTests {
    @Test func aTruncatedPaddedOrDamagedSavedPlanAppliesNothing() async throws {
        let repo = try await CLIRepo(.local)
        defer { repo.remove() }
        let saved = await repo.run(["plan", "--env", "dev", "--out", "dev.plan"])
        #expect(saved.code == 0, "\(saved.err)")
        let file = repo.path + "/dev.plan"
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(original.starts(with: Data("decant-plan 3\n".utf8)))
        var damaged = original
        damaged[damaged.count - 3] ^= 0x20
        for (bytes, message) in [(original.prefix(original.count - 10), "the file ends early"),
                                 (original.prefix(20), "the file ends early"),
                                 (original + Data("\n".utf8), "is not a saved decant plan"),
                                 (damaged, "a batch's bytes changed since it was planned"),
                                 (Data(), "is not a saved decant plan")] {
            try bytes.write(to: URL(fileURLWithPath: file))
            let refused = await repo.run(["apply", "--env", "dev", "dev.plan"])
            #expect(refused.code == 1)
            #expect(refused.err.contains(message), "\(refused.err)")
            #expect(try await repo.store.getBucket(repo.target) == nil, "a refused plan changed the store")
            #expect(!FileManager.default.fileExists(atPath: repo.path + "/state/dev.db"), "a refused plan touched the state")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path).filter { $0.hasPrefix("decant-objects") }.isEmpty)
        try original.write(to: URL(fileURLWithPath: file))
        let applied = await repo.run(["apply", "--env", "dev", "dev.plan"])
        #expect(applied.code == 0, "\(applied.err)")
    }
}
