import DecantCore

/// Turns the per-bucket and per-migration outcomes into the action graph of
/// DESIGN.md §4, with deterministic ids and order.
enum GraphBuilder {
    static func build(bucketActions: [Action], bucketActionIDs: [String: [ActionID]], migrations: [Migration],
                      outcomes: [MigrationOutcome], edits: [CodeEdit], hasErrors: Bool) throws -> ActionGraph {
        // A plan with errors is shown but carries no actions: nothing of it may run.
        if hasErrors { return ActionGraph() }
        var actions = bucketActions
        var verifyIDs: [String: [ActionID]] = [:]
        for (migration, outcome) in zip(migrations, outcomes) {
            let key = migration.key
            let bucketDeps = bucketActionIDs[migration.target.bucket] ?? []
            let size = max(1, migration.batchSize)
            var verifies: [ActionID] = []
            for (n, batch) in outcome.copies.chunked(size).enumerated() {
                let copyID = ActionID("copy", key, number(n + 1))
                let bytes = batch.reduce(Int64(0)) { $0 + $1.content.size }
                let overwrites = batch.filter { $0.target?.generation != nil }.count
                let reason: ActionReason = overwrites > 0
                    ? .copyOverwriting(objects: batch.count, bytes: bytes, overwrites: overwrites, policy: migration.overwrite)
                    : .copyAbsent(objects: batch.count, bytes: bytes, target: migration.target)
                actions.append(Action(id: copyID, kind: .copy, migration: key, bucket: migration.target.bucket, reason: reason,
                                      dependsOn: bucketDeps, payload: .objects(Array(batch))))
                let verifyID = ActionID("verify", key, number(n + 1))
                actions.append(Action(id: verifyID, kind: .verify, migration: key, bucket: migration.target.bucket,
                                      reason: .verifyCopies(objects: batch.count, level: migration.verify),
                                      dependsOn: [copyID], payload: .objects(Array(batch))))
                verifies.append(verifyID)
            }
            for (n, batch) in outcome.adoptions.chunked(size).enumerated() {
                let verifyID = ActionID("verify", key, "adopt-" + number(n + 1))
                actions.append(Action(id: verifyID, kind: .verify, migration: key, bucket: migration.target.bucket,
                                      reason: .adoptExisting(objects: batch.count),
                                      payload: .objects(Array(batch))))
                verifies.append(verifyID)
            }
            verifyIDs[key] = verifies
            let deletions = outcome.deletions + outcome.deletionsAfterVerify
            for (n, batch) in deletions.chunked(size).enumerated() {
                let cleanup = migration.cleanup
                actions.append(Action(id: ActionID("delete_source", key, number(n + 1)), kind: .deleteSource, migration: key,
                                      bucket: migration.source.bucket,
                                      reason: .deleteVerified(objects: batch.count, validationPeriod: cleanup?.after),
                                      dependsOn: verifies, payload: .objects(Array(batch))))
            }
        }
        for edit in edits {
            let deps = edit.migrations.flatMap { verifyIDs[$0] ?? [] }
            actions.append(Action(id: ActionID("rewrite_code", edit.path), kind: .rewriteCode,
                                  migration: edit.migrations.first,
                                  reason: .codeAtOldLocation(migrations: edit.migrations),
                                  dependsOn: deps, payload: .code(edit)))
        }
        return try ActionGraph(actions)
    }

    static func number(_ n: Int) -> String { String(format: "%04d", n) }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
