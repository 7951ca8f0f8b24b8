import DecantCore

/// Turns the per-bucket and per-migration outcomes into the action graph of
/// DESIGN.md §4, with deterministic ids and order.
enum GraphBuilder {
    static func build(bucketActions: [Action], bucketActionIDs: [String: [ActionID]], migrations: [Migration],
                      outcomes: [MigrationOutcome], edits: [CodeEdit], hasErrors: Bool,
                      accessActionIDs: [String: ActionID] = [:]) throws -> ActionGraph {
        // A plan with errors is shown but carries no actions: nothing of it may run.
        if hasErrors { return ActionGraph() }
        var actions = bucketActions
        var verifyIDs: [String: [ActionID]] = [:]
        for (migration, outcome) in zip(migrations, outcomes) {
            let key = migration.key
            let bucketDeps = bucketActionIDs[migration.target.bucket] ?? []
            var verifies: [ActionID] = []
            let byTransferService = outcome.report.engine?.engine == .transferService
            if byTransferService, let choice = outcome.report.engine {
                verifies += try transferCopies(migration, outcome: outcome, choice: choice, dependsOn: bucketDeps, into: &actions)
            }
            // Each batch was spooled `batchSize` objects at a time: one copy and one verify action each.
            for (n, batch) in (byTransferService ? [] : outcome.copies.batches).enumerated() {
                let copyID = ActionID("copy", key, number(n + 1))
                let reason: ActionReason = batch.overwrites > 0
                    ? .copyOverwriting(objects: batch.count, bytes: batch.bytes, overwrites: batch.overwrites, policy: migration.overwrite)
                    : .copyAbsent(objects: batch.count, bytes: batch.bytes, target: migration.target)
                actions.append(Action(id: copyID, kind: .copy, migration: key, bucket: migration.target.bucket, reason: reason,
                                      dependsOn: bucketDeps, payload: .spooled(batch)))
                let verifyID = ActionID("verify", key, number(n + 1))
                actions.append(Action(id: verifyID, kind: .verify, migration: key, bucket: migration.target.bucket,
                                      reason: .verifyCopies(objects: batch.count, level: migration.verify),
                                      dependsOn: [copyID], payload: .spooled(batch)))
                verifies.append(verifyID)
            }
            for (n, batch) in outcome.adoptions.batches.enumerated() {
                let verifyID = ActionID("verify", key, "adopt-" + number(n + 1))
                actions.append(Action(id: verifyID, kind: .verify, migration: key, bucket: migration.target.bucket,
                                      reason: .adoptExisting(objects: batch.count),
                                      payload: .spooled(batch)))
                verifies.append(verifyID)
            }
            verifyIDs[key] = verifies
            for (n, batch) in outcome.deletions.batches.enumerated() {
                let cleanup = migration.cleanup
                actions.append(Action(id: ActionID("delete_source", key, number(n + 1)), kind: .deleteSource, migration: key,
                                      bucket: migration.source.bucket,
                                      reason: .deleteVerified(objects: batch.count, validationPeriod: cleanup?.after),
                                      dependsOn: verifies, payload: .spooled(batch)))
            }
        }
        for edit in edits {
            // Code reads the new buckets once their copies are verified and their access is set.
            let targets = Set(migrations.filter { edit.migrations.contains($0.key) }.map(\.target.bucket))
            let deps = edit.migrations.flatMap { verifyIDs[$0] ?? [] } + targets.sorted().compactMap { accessActionIDs[$0] }
            actions.append(Action(id: ActionID("rewrite_code", edit.path), kind: .rewriteCode,
                                  migration: edit.migrations.first,
                                  reason: .codeAtOldLocation(migrations: edit.migrations),
                                  dependsOn: deps, payload: .code(edit)))
        }
        return try ActionGraph(actions)
    }

    /// One copy action a transfer job (`TransferPlanning.mappings`), each followed by
    /// verify actions of `batchSize` objects; returns the verify ids.
    static func transferCopies(_ migration: Migration, outcome: MigrationOutcome, choice: EngineChoice,
                               dependsOn: [ActionID], into actions: inout [Action]) throws -> [ActionID] {
        var verifies: [ActionID] = []
        for (mapping, list) in try TransferPlanning.mappings(migration, report: outcome.report, copies: outcome.copies) {
            let copyID = ActionID("copy", migration.key, "transfer-" + number(mapping.index))
            let reason = ActionReason.copyByTransferService(
                objects: list.count, bytes: list.total.bytes, overwrites: list.batches.reduce(0) { $0 + $1.overwrites },
                policy: migration.overwrite, mapping: mapping, choice: choice)
            // The job's copy action names all its batches; each is verified on its own.
            actions.append(Action(id: copyID, kind: .copy, migration: migration.key, bucket: migration.target.bucket,
                                  reason: reason, dependsOn: dependsOn, payload: .spooledList(list)))
            for (n, batch) in list.batches.enumerated() {
                let verifyID = ActionID("verify", migration.key, "transfer-" + number(mapping.index) + "-" + number(n + 1))
                actions.append(Action(id: verifyID, kind: .verify, migration: migration.key, bucket: migration.target.bucket,
                                      reason: .verifyCopies(objects: batch.count, level: migration.verify),
                                      dependsOn: [copyID], payload: .spooled(batch)))
                verifies.append(verifyID)
            }
        }
        return verifies
    }

    static func number(_ n: Int) -> String { String(format: "%04d", n) }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
