@testable import DecantCLI
import Foundation
import TestSupport
import Testing

/// `decant plan --code-out FILE`: the whole patch of the planned code edits, which
/// `git apply` turns into exactly the files `decant apply` writes.
@Suite struct CodePatchTests {
    @Test func thePatchIsWhatApplyWrites() async throws {
        let world = try await PlanWorld(.local)
        defer { world.remove() }
        try await world.put("historization/tracking/a.parquet")
        let job = """
        import os

        DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", "data-bucket-dev")


        def export(day):
            path = "gs://data-bucket-dev/historization/tracking/" + day
            return path.replace("//", "/")
        """ + "\n"
        for root in ["code", "patched"] { try world.directory.write("\(root)/jobs/export.py", job) }
        try world.writePlan(buckets: ["archive"], migrations: """
          historization:
            source: "\(world.source)/historization/"
            target: "archive/archives/"
            subfolders: { tracking/: firebase_tracking/ }
            rewrite_code: true
        """)
        let plans = world.directory.path + "/plans/plan.yaml"
        let text = try String(contentsOfFile: plans, encoding: .utf8)
        try text.replacingOccurrences(of: "buckets:\n", with: "code: { root: code, source_refs: [\"data-bucket-${env}\"] }\nbuckets:\n")
            .write(toFile: plans, atomically: true, encoding: .utf8)

        let planned = try await world.plan(["--code-out", "edits.patch"])
        #expect(planned.code == 0, "\(planned.stderr)")
        #expect(planned.stderr.contains("Wrote 1 code edit(s) to edits.patch"))
        let patch = try String(contentsOfFile: world.directory.path + "/edits.patch", encoding: .utf8)
        #expect(patch.contains("+++ b/jobs/export.py"))
        #expect(patch.contains("+    path = \"gs://archive-bucket-dev/archives/firebase_tracking/\" + day"))
        // Planning wrote only the patch: the code is untouched.
        #expect(try String(contentsOfFile: world.directory.path + "/code/jobs/export.py", encoding: .utf8) == job)

        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "apply", "--directory=patched", world.directory.path + "/edits.patch"]
        git.currentDirectoryURL = world.directory.url
        try git.run()
        await OffPool.run { git.waitUntilExit() }
        #expect(git.terminationStatus == 0)

        let applied = try await world.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"])
        #expect(applied.code == 0, "\(applied.stdout)\(applied.stderr)")
        let written = try String(contentsOfFile: world.directory.path + "/code/jobs/export.py", encoding: .utf8)
        #expect(written != job)
        #expect(try String(contentsOfFile: world.directory.path + "/patched/jobs/export.py", encoding: .utf8) == written)
    }
}
