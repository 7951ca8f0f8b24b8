import DecantCore
@testable import DecantEngine
import Testing

@Suite struct PlanningPiecesTests {
    @Test func keySpaceSkipsExcludedFolders() {
        let space = KeySpace(bucket: "b", base: "archives/", excluded: ["archives/x/", "archives/a/"], lower: nil, upper: nil)
        let ranges = space.ranges
        #expect(ranges.count == 3)
        #expect(ranges[0].start == nil && ranges[0].end == "archives/a/")
        #expect(ranges[1].start == "archives/a0" && ranges[1].end == "archives/x/")
        #expect(ranges[2].start == "archives/x0" && ranges[2].end == nil)
        #expect(space.contains("archives/b/1"))
        #expect(!space.contains("archives/x/1"))
        #expect(!space.contains("other/1"))
    }

    @Test func renameGroupsPreserveOrderAndFlagForeignTargets() {
        let m = Migration(key: "h", source: BucketPath(bucket: "s", prefix: "historization/"),
                          target: BucketPath(bucket: "t", prefix: "archives/"),
                          subfolders: [SubfolderRename(from: "tracking/", to: "firebase_tracking/"),
                                       SubfolderRename(from: "tracking/old/", to: "legacy/")])
        let groups = RenameGroup.groups(for: m)
        #expect(groups.map(\.sourceBase) == ["historization/tracking/", "historization/tracking/old/", "historization/"])
        #expect(groups[0].sourceExcluded == ["historization/tracking/old/"])
        #expect(groups[2].sourceExcluded == ["historization/tracking/", "historization/tracking/old/"])
        #expect(groups[2].foreignTargets == ["archives/firebase_tracking/", "archives/legacy/"])
        for g in groups {
            // Every group maps sourceBase + r to targetBase + r, as Migration does.
            #expect(m.targetName(forSource: g.sourceBase + "z/file") == g.targetBase + "z/file")
        }
    }

    @Test func partitionWindowBoundsDailyFolders() throws {
        let m = Migration(key: "q", source: BucketPath(bucket: "s", prefix: "QPI_exports/"), target: BucketPath(bucket: "t", prefix: ""),
                          partitions: PartitionSpec(pattern: try PartitionPattern("qpi_answers_{YYYYMMDD}/"), range: .lastDays(30)))
        let bounds = PartitionWindow.relativeBounds(m, today: CalendarDay("2026-11-20")!)
        #expect(bounds?.lower == "qpi_answers_20261022")
        #expect(bounds?.upper == "qpi_answers_20261121")
        var all = m
        all.partitions?.range = .all
        #expect(PartitionWindow.relativeBounds(all, today: CalendarDay("2026-11-20")!) == nil)
    }

    @Test func schedulerRespectsDependenciesAndSkipsDependantsOfFailures() async throws {
        func action(_ id: String, _ deps: [String] = []) -> Action {
            Action(id: ActionID(rawValue: id), kind: .copy, reason: .copyAbsent(objects: 0, bytes: 0, target: BucketPath(bucket: "t", prefix: "")), dependsOn: deps.map { ActionID(rawValue: $0) }, payload: .objects([]))
        }
        let graph = try ActionGraph([action("a"), action("b", ["a"]), action("c", ["b"]), action("d")])
        let order = OrderLog()
        let outcomes = await Scheduler(graph: graph, width: 2).run { a in
            await order.add(a.id.rawValue)
            return ActionOutcome(id: a.id, kind: a.kind, migration: nil, status: a.id.rawValue == "b" ? .failed : .succeeded)
        }
        let byID = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.id.rawValue, $0.status) })
        #expect(byID == ["a": .succeeded, "b": .failed, "c": .skipped, "d": .succeeded])
        let ran = await order.items
        #expect(ran.firstIndex(of: "a")! < ran.firstIndex(of: "b")!)
        #expect(!ran.contains("c"))
    }

    @Test func limiterBoundsConcurrency() async {
        let limiter = AsyncLimiter(width: 3)
        let gauge = Gauge()
        let results = await limiter.map(Array(0..<40)) { i -> Int in
            await gauge.enter()
            try? await Task.sleep(nanoseconds: 1_000_000)
            await gauge.leave()
            return i * 2
        }
        #expect(results == (0..<40).map { $0 * 2 })
        #expect(await gauge.peak <= 3)
    }

    @Test func throwingLimiterRethrowsTheFirstErrorAndStartsNothingMore() async throws {
        struct Boom: Error, Equatable {}
        let limiter = AsyncLimiter(width: 2)
        let started = OrderLog()
        await #expect(throws: Boom.self) {
            _ = try await limiter.map(Array(0..<200)) { i -> Int in
                await started.add("\(i)")
                if i == 3 { throw Boom() }
                try await Task.sleep(nanoseconds: 1_000_000)
                return i
            }
        }
        // Two at a time: the failure stops the loop long before the end.
        #expect(await started.items.count < 20)
        #expect(try await limiter.map([1, 2, 3]) { (i: Int) async throws -> Int in i * 2 } == [2, 4, 6])
    }

    actor OrderLog {
        var items: [String] = []
        func add(_ s: String) { items.append(s) }
    }

    actor Gauge {
        var now = 0, peak = 0
        func enter() { now += 1; peak = max(peak, now) }
        func leave() { now -= 1 }
    }
}
