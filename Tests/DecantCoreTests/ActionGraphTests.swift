import Foundation
import DecantCore
import Testing

@Suite struct ActionGraphTests {
    func action(_ id: String, _ deps: [String] = []) -> Action {
        Action(id: ActionID(rawValue: id), kind: .copy, reason: .copyAbsent(objects: 0, bytes: 0, target: BucketPath(bucket: "t", prefix: "")), dependsOn: deps.map { ActionID(rawValue: $0) },
               payload: .objects([]))
    }

    @Test func ordersDependenciesFirstAndKeepsGivenOrderOtherwise() throws {
        let graph = try ActionGraph([action("c", ["a"]), action("b"), action("a"), action("d", ["c", "b"])])
        #expect(graph.actions.map(\.id.rawValue) == ["b", "a", "c", "d"])
        #expect(graph.transitiveDependents(of: ActionID(rawValue: "a")) == [ActionID(rawValue: "c"), ActionID(rawValue: "d")])
    }

    @Test func keepsItsLinksInItsOrderAndChecksThemWhenDecoded() throws {
        let graph = try ActionGraph([action("c", ["a"]), action("b"), action("a"), action("d", ["c", "b", "b"])])
        // Ordered b, a, c, d: positions of who depends on each, and how many each waits for.
        #expect(graph.dependents == [[3], [2], [3], []])
        #expect(graph.dependencyCounts == [0, 0, 1, 2])
        let decoded = try JSONDecoder().decode(ActionGraph.self, from: JSONEncoder().encode(graph))
        #expect(decoded == graph && decoded.dependents == graph.dependents)
        let alone = String(decoding: try JSONEncoder().encode(try ActionGraph([action("a")])), as: UTF8.self)
        let cyclic = Data(alone.replacingOccurrences(of: #""dependsOn":[]"#, with: #""dependsOn":["a"]"#).utf8)
        #expect(cyclic != Data(alone.utf8))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ActionGraph.self, from: cyclic) }
    }

    @Test func rejectsCyclesAndUnknownDependencies() {
        #expect(throws: ActionGraph.Problem.cycle([ActionID(rawValue: "a"), ActionID(rawValue: "b")])) {
            try ActionGraph([action("a", ["b"]), action("b", ["a"])])
        }
        #expect(throws: ActionGraph.Problem.unknownDependency(ActionID(rawValue: "a"), on: ActionID(rawValue: "x"))) {
            try ActionGraph([action("a", ["x"])])
        }
        #expect(throws: ActionGraph.Problem.duplicateID(ActionID(rawValue: "a"))) {
            try ActionGraph([action("a"), action("a")])
        }
    }
}
