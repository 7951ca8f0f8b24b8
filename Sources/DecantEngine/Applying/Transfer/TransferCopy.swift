import DecantCore
import DecantState
import DecantStorage
import Foundation

/// copy by Storage Transfer Service: one job for one source→target prefix mapping
/// of a migration, made or found by its name (derived from the state's lineage,
/// the migration and the mapping, never an attempt number, so that a resumed apply
/// finds its own job), run once, watched, and then checked object by object.
///
/// The same promises as `CopyObjects`: every copy is journaled as an intent before
/// the job runs (invariant 5: an object the job wrote before a kill is decant's
/// copy, which a rollback removes), and a copy is recorded only once decant has
/// listed it in the target with the source's size and checksum. Only the verify
/// action after this one marks copies verified, and only verified copies pass the
/// deletion gate (invariant 1). The job never deletes sources
/// (`deleteObjectsFromSourceAfterTransfer` is never set; `TransferJobRules` refuses it).
///
/// A killed apply leaves the job's operation running: the next apply watches that
/// operation to its end (found through the journal, or the job's latest operation)
/// before it starts another, and starts another only for what is still missing.
struct TransferCopy: ActionStep {
    let items: [ObjectItem]
    let mapping: TransferMapping

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        guard let client = run.transfer else { throw EngineError.noTransferClient(action.id) }
        let jobName = TransferJobName.make(lineage: run.state.lineage, migration: action.migration ?? "",
                                           mapping: mapping.index)
        let watch = TransferWatch(client: client, run: run, action: action, job: jobName)
        try await run.state.recordCopyIntents(items.compactMap(\.copyIntent), actionID: action.id, serial: run.serial)

        // A run of this job a killed apply left going: watch it to its end first.
        var operations: [LongRunningOperation] = []
        if let earlier = try await watch.unfinishedOperation() {
            operations.append(try await watch.follow(try await client.getOperation(earlier), attached: true))
        }
        var missing = items
        if !operations.isEmpty {
            let found = try await TargetListing.read(mapping.target, store: run.store)
            missing = items.filter { item in !(found.matches(item)) }
        }
        if !missing.isEmpty {
            let manifest = try await stageManifest(missing, job: jobName, run: run)
            do {
                let lookup = try await client.ensureJob(job(named: jobName, manifest: manifest, action: action))
                try await watch.ensureSpec(lookup, wanted: job(named: jobName, manifest: manifest, action: action))
                let started = try await client.start(jobName)
                operations.append(try await watch.follow(started.operation, attached: started.attached))
            } catch {
                await removeManifest(manifest, run: run)
                throw error
            }
            await removeManifest(manifest, run: run)
        }

        // What the job wrote, checked against the plan object by object.
        let found = try await TargetListing.read(mapping.target, store: run.store)
        var results: [CopyResult] = []
        for item in items {
            guard let target = item.target else { results.append(.failed("\(item.source): no target")); continue }
            guard let record = found.objects[target.name] else {
                results.append(.failed("gs://\(target.bucket)/\(target.name): not copied by the transfer job "
                    + TransferWatch.failureNote(operations)))
                continue
            }
            // Checked at once: only a copy with the source's size and checksum is recorded.
            if let problem = CopyCheck.problem(expected: item.content, actual: ContentIdentity(record), level: .checksum) {
                results.append(.failed("gs://\(target.bucket)/\(target.name): \(problem)"))
                continue
            }
            let copy = MadeCopy(item, target: record, migration: action.migration, at: run.clock.now())
            run.observer.handle(.progress(objects: 1, bytes: item.content.size))
            results.append(.copied(copy))
        }
        // A job selecting by prefix also copies what reached the source after planning:
        // decant's copies too (a rollback removes them), recorded unverified for the next plan.
        let extras = try await unplannedCopies(found, action: action, run: run)
        let copied = results.compactMap(\.copied) + extras
        // The one place transfer copies enter the ledger: the bulk path, in bounded transactions.
        if !copied.isEmpty { _ = try await run.state.recordCopies(copied.map(\.record), serial: run.serial, transactionRows: 100_000) }
        await run.copies.store(copied, for: action.id)
        return .finished(action, errors: results.map(\.error),
                         done: copied.reduce(Tally()) { $0 + Tally(objects: 1, bytes: $1.record.content.size) })
    }

    /// Objects under the job's target that no planned item names but whose source (by
    /// this mapping) holds the same content: the job copied them from objects that
    /// reached the source after planning. Only a prefix-selecting job can (the plan
    /// chose prefixes only when the target held nothing under them).
    private func unplannedCopies(_ found: TargetListing, action: Action, run: RunEnvironment) async throws -> [MadeCopy] {
        guard case .prefixes = mapping.selection else { return [] }
        let planned = Set(items.compactMap(\.target?.name))
        var extras: [MadeCopy] = []
        for (name, record) in found.objects.sorted(by: { $0.key < $1.key }) where !planned.contains(name) {
            guard let relative = name.droppingPrefix(mapping.target.prefix),
                  !mapping.excludePrefixes.contains(where: { relative.utf8.starts(with: $0.utf8) }),
                  let source = try await run.store.headObject(mapping.source.bucket, mapping.source.prefix + relative, generation: nil),
                  CopyCheck.problem(expected: ContentIdentity(source), actual: ContentIdentity(record), level: .checksum) == nil
            else { continue }
            let item = ObjectItem(source: ObjectRef(bucket: mapping.source.bucket, name: source.name, generation: source.generation),
                                  target: ObjectRef(bucket: mapping.target.bucket, name: name), content: ContentIdentity(source),
                                  sourceCreated: source.timeCreated)
            extras.append(MadeCopy(item, target: record, migration: action.migration, at: run.clock.now()))
        }
        return extras
    }

    /// The job as decant wants it for this mapping.
    func job(named name: String, manifest: ObjectRef?, action: Action) -> TransferJob {
        let first = items.first
        let metadata = MetadataOptions(
            storageClass: first?.storageClass.flatMap(TransferStorageClass.init) ?? .destinationBucketDefault,
            timeCreated: items.contains { $0.customTime != nil } ? .preserveAsCustomTime : .skip)
        let policy: OverwritePolicy
        if case let .copyByTransferService(_, _, _, plannedPolicy, _, _) = action.reason { policy = plannedPolicy } else { policy = .never }
        let conditions = ObjectConditions(excludePrefixes: mapping.excludePrefixes.isEmpty ? nil : mapping.excludePrefixes)
        let spec = TransferSpec(
            gcsDataSource: GCSData(bucketName: mapping.source.bucket, path: mapping.source.prefix),
            gcsDataSink: GCSData(bucketName: mapping.target.bucket, path: mapping.target.prefix),
            objectConditions: conditions,
            transferOptions: TransferOptions(overwriteWhen: OverwriteWhen(policy), metadataOptions: metadata),
            transferManifest: manifest.map { TransferManifest(location: "gs://\($0.bucket)/\($0.name)") })
        return TransferJob(name: name, description: "decant \(action.id.rawValue)", transferSpec: spec, status: .enabled)
    }

    /// Where a job's manifest is staged: in the target bucket, outside every prefix
    /// decant copies to, one object per job (a re-run replaces it).
    static func manifestName(job: String) -> String {
        "_decant/transfer-manifests/" + job.replacingOccurrences(of: "transferJobs/", with: "") + ".csv"
    }

    /// Writes the manifest of `missing` (names relative to the source path, with their
    /// generation), when the mapping selects by manifest.
    private func stageManifest(_ missing: [ObjectItem], job: String, run: RunEnvironment) async throws -> ObjectRef? {
        guard case .manifest = mapping.selection else { return nil }
        let rows = missing.map {
            TransferManifestCSV.Row(name: $0.source.name.droppingPrefix(mapping.source.prefix) ?? $0.source.name,
                                    generation: $0.source.generation)
        }
        let name = Self.manifestName(job: job)
        _ = try await run.store.upload(mapping.target.bucket, name, data: TransferManifestCSV.encode(rows), ifGenerationMatch: nil,
                                       contentType: "text/csv", metadata: ["decant-transfer-job": job])
        return ObjectRef(bucket: mapping.target.bucket, name: name)
    }

    /// Removes the staged manifest; one left behind (the store failed) is harmless
    /// and replaced by the next run of the job.
    private func removeManifest(_ manifest: ObjectRef?, run: RunEnvironment) async {
        guard let manifest else { return }
        try? await run.store.deleteObject(manifest.bucket, manifest.name, ifGenerationMatch: nil)
    }
}

/// Watching one job's operations: found, journaled, polled, reported.
struct TransferWatch {
    let client: TransferClient
    let run: RunEnvironment
    let action: Action
    let job: String

    /// An operation of this job that has not ended: the one a killed apply journaled,
    /// else the job's latest one. Nil when there is none (or no job yet).
    func unfinishedOperation() async throws -> String? {
        for name in try await TransferJournal.operations(of: job, state: run.state).reversed() {
            if let operation = try? await client.getOperation(name), !operation.isDone { return name }
        }
        do {
            return try await client.activeOperation(of: job)
        } catch StoreError.transferNotFound {
            return nil
        }
    }

    /// Makes a found job ask for what decant wants now (a resumed apply may select
    /// by manifest what the first selected by prefix); a DELETED job cannot run again.
    func ensureSpec(_ lookup: TransferClient.JobLookup, wanted: TransferJob) async throws {
        guard !lookup.matchesRequest else { return }
        if lookup.job.status == .deleted { throw EngineError.transferJobDeleted(job) }
        var update = wanted
        update.status = .enabled
        _ = try await client.patchJob(job, update, fields: [.transferSpec, .status])
    }

    /// Journals `operation` (so that a killed apply comes back to it), then polls it
    /// to its end, reporting its counters.
    func follow(_ operation: LongRunningOperation, attached: Bool) async throws -> LongRunningOperation {
        try await TransferJournal.record(operation.name, job: job, action: action, run: run)
        let observer = run.observer, id = action.id, job = self.job
        let ended = try await client.waitUntilDone(operation.name, poll: run.options.transferPoll) { current in
            observer.handle(.transfer(TransferProgress(action: id, job: job, operation: current, attached: attached)))
        }
        try await TransferJournal.finish(ended, job: job, run: run)
        return ended
    }

    /// How the job's operations ended, for an object they did not copy.
    static func failureNote(_ operations: [LongRunningOperation]) -> String {
        guard let last = operations.last else { return "(no operation ran)" }
        let status = last.metadata?.status?.rawValue ?? "unknown"
        let failed = last.metadata?.counters?.objectsFromSourceFailed ?? 0
        var note = "(operation \(last.name) ended \(status), \(failed) object(s) failed"
        if let error = last.error?.message { note += ": \(error)" }
        return note + "); it stays in the source, for a re-run or `engine: api`"
    }
}

/// The target objects under a prefix, by name.
struct TargetListing {
    var objects: [String: ObjectRecord] = [:]

    static func read(_ path: BucketPath, store: any ObjectStore) async throws -> TargetListing {
        var listing = TargetListing()
        for try await page in store.listObjects(path.bucket, ListOptions(prefix: path.prefix)) {
            for object in page.objects { listing.objects[object.name] = object }
        }
        return listing
    }

    /// The item's target holds the source's content (size and checksum).
    func matches(_ item: ObjectItem) -> Bool {
        guard let target = item.target, let record = objects[target.name] else { return false }
        return CopyCheck.problem(expected: item.content, actual: ContentIdentity(record), level: .checksum) == nil
    }
}

/// What one poll of a transfer operation says, for progress lines.
public struct TransferProgress: Sendable {
    public var action: ActionID
    public var job: String
    public var operation: String
    public var status: String
    public var counters: TransferCounters
    /// Not started by this apply (an earlier, killed one started it).
    public var attached: Bool

    init(action: ActionID, job: String, operation: LongRunningOperation, attached: Bool) {
        self.action = action
        self.job = job
        self.operation = operation.name
        status = operation.metadata?.status?.rawValue ?? (operation.isDone ? "DONE" : "QUEUED")
        counters = operation.metadata?.counters ?? TransferCounters()
        self.attached = attached
    }
}

extension TransferPollPolicy {
    /// A local test server answers at once: poll it often, still with backoff.
    public static let testServer = TransferPollPolicy(initialInterval: 0.05, maximumInterval: 0.5, multiplier: 2)
}
