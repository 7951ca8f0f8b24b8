import DecantCore
import DecantStorage

/// How a migration that copies with Storage Transfer Service is cut into jobs: one
/// job per source→target prefix mapping (the migration's prefixes, and one per
/// subfolder rename), each selecting its objects by prefixes when the plan copies
/// everything under them, else by a manifest of exactly the planned objects.
enum TransferPlanning {
    /// Picks the engine of every migration that copies something, and says so in its report.
    static func chooseEngines(_ migrations: [Migration], outcomes: inout [MigrationOutcome], thresholds: EngineThresholds) {
        for (index, migration) in migrations.enumerated() where !outcomes[index].copies.isEmpty {
            let copies = outcomes[index].copies
            let choice = thresholds.choose(migration.engine, objects: copies.count, bytes: copies.total.bytes)
            outcomes[index].report.engine = choice
            guard choice.engine == .transferService else { continue }
            outcomes[index].report.warnings.append(
                "Storage Transfer Service's service agent must read gs://\(migration.source.bucket) and write (and read) "
                + "gs://\(migration.target.bucket), where decant stages its manifests; decant does not check these grants: "
                + "a job without them fails and its objects are reported as not copied")
            if copies.hasCustomTime {
                outcomes[index].report.warnings.append(
                    "Storage Transfer Service sets each copy's customTime to its source's creation time "
                    + "(TIME_CREATED_PRESERVE_AS_CUSTOM_TIME, for preserve_age); a source's own customTime is not carried")
            }
            if copies.storageClasses.contains(where: { TransferStorageClass($0) == nil }) {
                outcomes[index].report.warnings.append(
                    "Storage Transfer Service cannot set a legacy storage class: the copies take the target bucket's default class")
            }
        }
    }

    /// The mappings of `migration` with the planned copies each one makes, in index
    /// order: the copies are read a batch at a time and each mapping's written back to
    /// the spool in batches of `batchSize`, so that planning a job of millions holds one batch.
    static func mappings(_ migration: Migration, report: MigrationPlan, copies: SpooledList) throws -> [(TransferMapping, SpooledList)] {
        guard let spool = copies.batches.first?.spool else { return [] }
        // Index 0: the migration's prefixes; 1…: its subfolder renames, in plan order.
        let froms = [""] + migration.subfolders.map(\.from)
        let tos = [""] + migration.subfolders.map(\.to)
        var writers = froms.map { _ in ObjectListWriter(spool: spool, batchSize: migration.batchSize) }
        try copies.forEachBatch { items in
            for item in items {
                let relative = item.source.name.droppingPrefix(migration.source.prefix) ?? item.source.name
                let best = froms.indices.filter { relative.utf8.starts(with: froms[$0].utf8) }
                    .max { froms[$0].utf8.count < froms[$1].utf8.count } ?? 0
                try writers[best].append(item)
            }
        }
        let groups = try writers.indices.map { try writers[$0].finish() }
        let whyManifest = manifestReason(migration, report: report)
        return froms.indices.compactMap { index in
            guard !groups[index].isEmpty else { return nil }
            let from = froms[index]
            // Folders a longer rename copies are left to its own job.
            let excludes = froms.filter { $0 != from && $0.utf8.starts(with: from.utf8) }.compactMap { $0.droppingPrefix(from) }.sorted()
            let mapping = TransferMapping(index: index,
                                          source: BucketPath(bucket: migration.source.bucket, prefix: migration.source.prefix + from),
                                          target: BucketPath(bucket: migration.target.bucket, prefix: migration.target.prefix + tos[index]),
                                          excludePrefixes: excludes,
                                          selection: whyManifest.map { .manifest(why: $0) } ?? .prefixes)
            return (mapping, groups[index])
        }
    }

    /// Why prefixes cannot select exactly the planned copies (nil: they can). A job
    /// selecting by prefix copies whatever is under them when it runs, so it is used
    /// only when the plan copies all of it and the target holds nothing of it yet.
    static func manifestReason(_ migration: Migration, report: MigrationPlan) -> ManifestReason? {
        if !migration.include.isEmpty || !migration.exclude.isEmpty { return .globs }
        if !migration.fileTypes.isEmpty { return .fileTypes }
        if migration.partitions != nil { return .partitions }
        if !migration.recursive { return .notRecursive }
        if !report.excluded.isEmpty { return .leftOut }
        if !report.inSync.isZero || !report.adopt.isZero || !report.conflicts.isZero || !report.targetOnly.isZero {
            return .targetNotEmpty
        }
        return nil
    }
}
