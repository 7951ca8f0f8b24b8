import DecantCLI
import DecantCore
import DecantStorage
import Foundation
import TestSupport
import Testing

/// `engine: transfer_service` through the real CLI, with `TransferTestServer`
/// (DECANT_TRANSFER_ENDPOINT) copying on the same store: the plan says which engine
/// and why; an apply killed with SIGKILL while a job runs is resumed by the next
/// apply, which watches the same operation instead of starting another; cleanup waits
/// for verified copies and the validation period; `rollback --to 0` leaves nothing
/// decant wrote, staged manifests included.
@Suite(.serialized) struct TransferCommandTests {
    static func repo(_ kind: StoreKind) async throws -> CLIRepo {
        let repo = try await CLIRepo(kind, objects: 24)
        let plan = repo.directory.path + "/plans/plan.yaml"
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        try (text.trimmingCharacters(in: .newlines) + "\n    engine: transfer_service\n").write(toFile: plan, atomically: true, encoding: .utf8)
        return repo
    }

    @Test(arguments: commandStores)
    func aKilledApplyResumesItsJobThenCleanupAndRollbackWorkAsForAPICopies(_ kind: StoreKind) async throws {
        let repo = try await Self.repo(kind)
        defer { repo.remove() }
        let server = try TransferTestServer(store: repo.store, options: .init(objectsPerStep: 1))
        defer { server.stop() }
        let environment = ["DECANT_TRANSFER_ENDPOINT": server.url.absoluteString]

        let plan = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20"])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(plan.out.contains("engine    transfer_service (as the plan file asks)"), "\(plan.out)")
        let json = await repo.run(["plan", "--env", "dev", "--now", "2026-11-20", "--format", "json"])
        #expect(json.out.contains("copy_transfer_service"))
        #expect(json.out.contains("engine_reason_code"))

        let apply = ["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-20"]
        if kind == .local {
            // No STS behind a local store: refused before anything runs.
            let refused = await repo.run(apply)
            #expect(refused.code != 0)
            #expect(refused.err.contains("the local store works only with a local test server in DECANT_TRANSFER_ENDPOINT"), "\(refused.err)")
            #expect(try await repo.store.getBucket(repo.target) == nil)
        }
        let killed = try await RollbackKillTests.Child.run(in: repo.path, apply + ["--json"], environment: environment) { line in
            line.contains("\"event\":\"transfer\"") && !line.contains("\"objects_copied\":0,")
        }
        #expect(killed.killed, "the apply ended before a job had copied anything: \(killed.stdout)")
        let jobs = server.jobNames
        #expect(!jobs.isEmpty)

        let locked = try await RollbackKillTests.Child.run(in: repo.path, apply, environment: environment)
        let id = try #require(RollbackKillTests.lockID(in: locked.stderr), "\(locked.stderr)")
        #expect(try await RollbackKillTests.Child.run(in: repo.path, ["state", "unlock", "--env", "dev", id]).status == 0)

        let resumed = try await RollbackKillTests.Child.run(in: repo.path, apply, environment: environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("(resumed)"), "the resumed apply did not watch the killed one's operation: \(resumed.stderr)")
        // One job per mapping, one operation per job: nothing was started twice.
        #expect(server.jobNames.count == 2)
        for job in server.jobNames { #expect(server.operationNames(ofJob: job).count == 1, "\(job)") }
        let migrated = try await repo.records(repo.target, prefix: "archives/")
        #expect(migrated.count == 24)
        #expect(try await repo.records(repo.target, prefix: "_decant/").isEmpty, "a staged manifest was left behind")

        // Cleanup: nothing before the validation period, every source after it.
        #expect(try await repo.records(repo.source, prefix: CLIRepo.migrated).count == 24)
        let later = await repo.run(["apply", "--env", "dev", "--auto-approve", "--now", "2026-11-28"])
        #expect(later.code == 0, "\(later.err)")
        #expect(try await repo.records(repo.source, prefix: CLIRepo.migrated).isEmpty)

        let rollback = await repo.run(["rollback", "--env", "dev", "--to", "0", "--auto-approve"])
        #expect(rollback.code == 0, "\(rollback.err)")
        #expect(try await repo.contents(repo.source) == repo.originals)
        #expect(try await repo.store.getBucket(repo.target) == nil, "the rollback left something decant wrote")
    }
}
