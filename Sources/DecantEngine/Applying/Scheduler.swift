import DecantCore

/// Runs the actions of a graph as their dependencies finish, at most `width` at
/// a time, in graph order among the ready ones. An action whose dependency did not
/// succeed is skipped (and so, in turn, are its dependants), and so is every action
/// not started yet once `stop` gives a reason (the store's endpoint is down).
struct Scheduler: Sendable {
    let graph: ActionGraph
    let width: Int
    var stop: @Sendable () -> String? = { nil }

    func run(_ body: @escaping @Sendable (Action) async -> ActionOutcome) async -> [ActionOutcome] {
        // Positions in the graph's order, and its links between them.
        let actions = graph.actions, dependants = graph.dependents
        var waiting = graph.dependencyCounts
        var outcomes = [ActionOutcome?](repeating: nil, count: actions.count)
        var blockedBy = [ActionID?](repeating: nil, count: actions.count)
        var ready = actions.indices.filter { waiting[$0] == 0 }
        return await withTaskGroup(of: (Int, ActionOutcome).self) { group in
            var running = 0
            func release(_ i: Int, succeeded: Bool) -> [Int] {
                var newlyReady: [Int] = []
                for j in dependants[i] {
                    if !succeeded, blockedBy[j] == nil { blockedBy[j] = actions[i].id }
                    waiting[j] -= 1
                    if waiting[j] == 0 { newlyReady.append(j) }
                }
                return newlyReady
            }
            while true {
                // Start what is ready; skip what lost a dependency.
                while !ready.isEmpty, running < max(1, width) {
                    let i = ready.removeFirst()
                    if let why = stop().map({ "not started: \($0)" }) ?? blockedBy[i].map({ "not run: \($0) did not succeed" }) {
                        let a = actions[i]
                        outcomes[i] = ActionOutcome(id: a.id, kind: a.kind, migration: a.migration, status: .skipped, errors: [why])
                        ready += release(i, succeeded: false)
                        continue
                    }
                    running += 1
                    let action = actions[i]
                    group.addTask { (i, await body(action)) }
                }
                guard let (i, outcome) = await group.next() else { break }
                running -= 1
                outcomes[i] = outcome
                ready += release(i, succeeded: outcome.status == .succeeded)
                ready.sort()
            }
            return outcomes.compactMap { $0 }
        }
    }
}
