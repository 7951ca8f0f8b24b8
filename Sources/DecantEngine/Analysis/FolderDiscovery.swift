import DecantCore
import DecantStorage

/// Finds the folders of a bucket worth analysing and counts what they hold,
/// streaming every listing: nothing but one `FolderStats` and one histogram of
/// bytes by class and day per folder (and the child names of the folders it
/// splits) is kept, whatever the object count.
///
/// Folders above `minimumDepth` are split into their subfolders, unless these are
/// all partitions (`PartitionNames`: years, days, `key=value`, environments). Below it,
/// a folder is split only when the code names its subfolders one by one and never
/// the folder as a whole (`export/` holds `cloudsql_recommendation_tables_to_bigquery/`
/// and nothing else the code knows); `historization/{folder}/…` names the whole
/// folder, so `historization/` stays one use case.
struct FolderDiscovery {
    let store: any ObjectStore
    let bucket: String
    let minimumDepth: Int
    let paths: CodePaths
    let parallelism: Int
    /// No split below this depth, whatever the code says.
    static let maximumDepth = 8

    struct Unit: Sendable {
        var path: String
        var directObjectsOnly: Bool
        var stats: FolderStats
        /// Bytes by class, creation day and `customTime` day: what moving it would cost.
        var ages = DayHistogram()
    }

    struct Result: Sendable {
        var units: [Unit]
        var containers: [String]
        var root: FolderStats
    }

    func run() async throws -> Result {
        var units: [Unit] = []
        var containers: [String] = []
        var leaves: [String] = []
        var root = FolderStats()
        var queue: [(prefix: String, depth: Int)] = [("", 0)]
        while !queue.isEmpty {
            let (prefix, depth) = queue.removeFirst()
            let (direct, directAges, children) = try await level(prefix)
            if prefix.isEmpty {
                root = direct
            } else if children.isEmpty {
                // No subfolder: what is directly in it is all of it.
                units.append(Unit(path: prefix, directObjectsOnly: false, stats: direct, ages: directAges))
                continue
            } else if PartitionNames.allPartitions(children) {
                // Years, days, key=value, environments: partitions of one use case, whatever the depth.
                leaves.append(prefix)
                continue
            } else if depth >= minimumDepth, !paths.splits(prefix, children: children) {
                // Listed to look at its children, but it stays whole: count it all below.
                leaves.append(prefix)
                continue
            } else {
                containers.append(prefix)
                if direct.objects > 0 { units.append(Unit(path: prefix, directObjectsOnly: true, stats: direct, ages: directAges)) }
            }
            for child in children {
                let childDepth = depth + 1
                if childDepth < minimumDepth || (childDepth < Self.maximumDepth && paths.namesInside(child)) {
                    queue.append((child, childDepth))
                } else {
                    leaves.append(child)
                }
            }
        }
        let counted = try await count(leaves)
        units += zip(leaves, counted).map { Unit(path: $0, directObjectsOnly: false, stats: $1.0, ages: $1.1) }
        units.sort { $0.path < $1.path }
        return Result(units: units, containers: containers.sorted(), root: root)
    }

    /// The objects directly under `prefix` and its subfolders, one delimiter listing.
    private func level(_ prefix: String) async throws -> (FolderStats, DayHistogram, [String]) {
        var direct = FolderStats()
        var ages = DayHistogram()
        var children = Set<String>()
        for try await page in store.listObjects(bucket, ListOptions(prefix: prefix, delimiter: "/")) {
            for object in page.objects {
                direct.add(object)
                ages.add(object)
            }
            children.formUnion(page.prefixes)
        }
        return (direct, ages, children.sorted())
    }

    /// Every object under each prefix, folders side by side with a bounded width.
    private func count(_ prefixes: [String]) async throws -> [(FolderStats, DayHistogram)] {
        let store = self.store, bucket = self.bucket
        return try await AsyncLimiter(width: parallelism).map(prefixes) { prefix in
            var stats = FolderStats()
            var ages = DayHistogram()
            for try await page in store.listObjects(bucket, ListOptions(prefix: prefix)) {
                for object in page.objects {
                    stats.add(object)
                    ages.add(object)
                }
            }
            return (stats, ages)
        }
    }
}

extension DayHistogram {
    /// One object of a folder: its class, creation day and `customTime` day.
    mutating func add(_ object: ObjectRecord) {
        add(storageClass: object.storageClass, day: Self.day(object.timeCreated ?? object.updated),
            secondDay: Self.day(object.customTime), size: object.size)
    }
}
