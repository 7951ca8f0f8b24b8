import DecantCore
import DecantState
import DecantStorage
import Foundation
import TestSupport
import Testing

/// A run killed after its delete calls but before it confirmed them leaves the
/// deletions pending; the next apply finds nothing to change in the stores, and
/// must still record what became of them instead of saying "Nothing to apply".
@Suite struct PendingDeletionsTests {
    @Test func anApplyWithNothingToChangeStillConfirmsPendingDeletions() async throws {
        let repo = try await CLIRepo(.local, cleanupAfterDays: 7)
        defer { repo.remove() }
        let apply = await repo.run(["apply", "--env", "dev", "--auto-approve"])
        #expect(apply.code == 0, "\(apply.err)")

        // What a kill at that moment leaves: a run begun, its deletions recorded as
        // pending, the sources deleted in the store, and no end to the run.
        let path = repo.directory.path + "/state/dev.db"
        do {
            let state = try StateStore.open(path: path)
            let copies = try await state.verifiedCopies(sourceBucket: repo.source).all()
            #expect(!copies.isEmpty)
            let serial = try await state.beginRun(kind: .apply, planDigest: nil)
            _ = try await state.recordDeletions(copies.map(\.record.key), serial: serial, pending: true)
            for copy in copies {
                try await repo.store.deleteObject(repo.source, copy.record.key.sourceName, ifGenerationMatch: copy.record.key.sourceGeneration)
            }
            #expect(try await state.pendingDeletions().count == copies.count)
            await state.close()
        }

        let again = await repo.run(["apply", "--env", "dev", "--auto-approve"])
        #expect(again.code == 0, "\(again.err)")
        #expect(!again.err.contains("Nothing to apply"), "\(again.err)")
        #expect(again.err.contains("deletion(s) unconfirmed"), "\(again.err)")
        let state = try StateStore.open(path: path)
        #expect(try await state.pendingDeletions().isEmpty, "the deletions stayed pending")
        #expect(try await state.history().last?.run.status == .succeeded)
        await state.close()
    }
}
