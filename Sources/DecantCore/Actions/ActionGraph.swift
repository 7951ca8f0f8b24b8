/// Actions with their dependencies, kept in one deterministic order in which
/// every action comes after what it depends on.
public struct ActionGraph: Hashable, Sendable, Codable {
    public private(set) var actions: [Action]

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

    public init() { actions = [] }

    /// Orders `actions` topologically; among actions that are ready at the same time,
    /// the order given is kept, so the same input gives the same graph.
    public init(_ actions: [Action]) throws(Problem) {
        var index: [ActionID: Int] = [:]
        for (i, action) in actions.enumerated() {
            guard index[action.id] == nil else { throw .duplicateID(action.id) }
            index[action.id] = i
        }
        var indegree = [Int](repeating: 0, count: actions.count)
        var dependents = [[Int]](repeating: [], count: actions.count)
        for (i, action) in actions.enumerated() {
            for dep in Set(action.dependsOn) {
                guard let j = index[dep] else { throw .unknownDependency(action.id, on: dep) }
                indegree[i] += 1
                dependents[j].append(i)
            }
        }
        // Kahn's algorithm with a min-heap on the original position.
        var ready = Heap<Int>()
        for i in actions.indices where indegree[i] == 0 { ready.push(i) }
        var ordered: [Action] = []
        ordered.reserveCapacity(actions.count)
        while let i = ready.pop() {
            ordered.append(actions[i])
            for j in dependents[i] {
                indegree[j] -= 1
                if indegree[j] == 0 { ready.push(j) }
            }
        }
        guard ordered.count == actions.count else {
            let stuck = actions.indices.filter { indegree[$0] > 0 }.map { actions[$0].id }
            throw .cycle(stuck.sorted())
        }
        self.actions = ordered
    }

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
