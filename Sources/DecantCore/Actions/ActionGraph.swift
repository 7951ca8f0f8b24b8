/// Actions with their dependencies, kept in one deterministic order in which
/// every action comes after what it depends on. The order and the links between
/// positions are worked out once, here; the scheduler runs from them.
public struct ActionGraph: Hashable, Sendable, Codable {
    public private(set) var actions: [Action]
    /// For each position in `actions`, the positions of the actions that depend on it
    /// (each once, in order).
    public private(set) var dependents: [[Int]]
    /// For each position in `actions`, how many distinct actions it depends on.
    public private(set) var dependencyCounts: [Int]

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case duplicateID(ActionID)
        case unknownDependency(ActionID, on: ActionID)
        case cycle([ActionID])

        public var description: String {
            switch self {
            case .duplicateID(let id): return "two actions are named \(id)"
            case .unknownDependency(let id, let on): return "\(id) depends on \(on), which is not in the plan"
            case .cycle(let ids): return "actions depend on each other in a cycle: \(ids.map(\.rawValue).joined(separator: " → "))"
            }
        }
    }

    public init() {
        actions = []
        dependents = []
        dependencyCounts = []
    }

    /// Orders `actions` topologically; among actions that are ready at the same time,
    /// the order given is kept, so the same input gives the same graph.
    public init(_ actions: [Action]) throws(Problem) {
        let given = try Links(actions)
        // Kahn's algorithm with a min-heap on the original position.
        var indegree = given.dependencyCounts
        var ready = Heap<Int>()
        for i in actions.indices where indegree[i] == 0 { ready.push(i) }
        var order: [Int] = []
        order.reserveCapacity(actions.count)
        while let i = ready.pop() {
            order.append(i)
            for j in given.dependents[i] {
                indegree[j] -= 1
                if indegree[j] == 0 { ready.push(j) }
            }
        }
        guard order.count == actions.count else {
            let stuck = actions.indices.filter { indegree[$0] > 0 }.map { actions[$0].id }
            throw .cycle(stuck.sorted())
        }
        // The links, moved from the given positions to the ordered ones.
        var position = [Int](repeating: 0, count: actions.count)
        for (new, old) in order.enumerated() { position[old] = new }
        self.actions = order.map { actions[$0] }
        self.dependents = order.map { old in given.dependents[old].map { position[$0] }.sorted() }
        self.dependencyCounts = order.map { given.dependencyCounts[$0] }
    }

    /// The same graph with each payload transformed (order and links kept).
    public func mappingPayloads(_ transform: (ActionPayload) throws -> ActionPayload) rethrows -> ActionGraph {
        var copy = self
        for index in copy.actions.indices { copy.actions[index].payload = try transform(copy.actions[index].payload) }
        return copy
    }

    /// Who depends on whom, by position in one order of the actions.
    private struct Links {
        var dependents: [[Int]]
        var dependencyCounts: [Int]

        init(_ actions: [Action]) throws(Problem) {
            var index: [ActionID: Int] = [:]
            for (i, action) in actions.enumerated() {
                guard index[action.id] == nil else { throw .duplicateID(action.id) }
                index[action.id] = i
            }
            dependencyCounts = [Int](repeating: 0, count: actions.count)
            dependents = [[Int]](repeating: [], count: actions.count)
            for (i, action) in actions.enumerated() {
                for dep in Set(action.dependsOn) {
                    guard let j = index[dep] else { throw .unknownDependency(action.id, on: dep) }
                    dependencyCounts[i] += 1
                    dependents[j].append(i)
                }
            }
        }
    }

    // Encoded and compared as its actions: the links follow from them.
    private enum CodingKeys: String, CodingKey { case actions }

    public init(from decoder: any Decoder) throws {
        let actions = try decoder.container(keyedBy: CodingKeys.self).decode([Action].self, forKey: .actions)
        do {
            try self.init(actions)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(actions, forKey: .actions)
    }

    public static func == (a: ActionGraph, b: ActionGraph) -> Bool { a.actions == b.actions }
    public func hash(into hasher: inout Hasher) { hasher.combine(actions) }

    public var isEmpty: Bool { actions.isEmpty }
    public var count: Int { actions.count }

    public func action(_ id: ActionID) -> Action? { actions.first { $0.id == id } }

    /// Every action that depends, directly or not, on `id`.
    public func transitiveDependents(of id: ActionID) -> Set<ActionID> {
        var result: Set<ActionID> = []
        var frontier: Set<ActionID> = [id]
        while !frontier.isEmpty {
            let next = Set(actions.filter { !result.contains($0.id) && !$0.dependsOn.filter(frontier.contains).isEmpty }.map(\.id))
            result.formUnion(next)
            frontier = next
        }
        return result
    }

    public func filter(_ kinds: Set<ActionKind>) -> [Action] { actions.filter { kinds.contains($0.kind) } }
}

/// A small binary min-heap.
struct Heap<Element: Comparable> {
    private var items: [Element] = []

    mutating func push(_ x: Element) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i] < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, items[l] < items[m] { m = l }
            if r < items.count, items[r] < items[m] { m = r }
            guard m != i else { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
