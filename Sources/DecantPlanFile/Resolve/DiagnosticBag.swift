import DecantCore

/// Collects diagnostics while a plan is read: every reader adds to it and goes
/// on, so a file with ten mistakes reports ten. Used by one loader at a time.
final class DiagnosticBag {
    private(set) var items: [Diagnostic] = []

    var hasErrors: Bool { items.hasErrors }

    func error(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        items.append(.error(message, at: location, hint: hint))
    }

    func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        items.append(.warning(message, at: location, hint: hint))
    }

    func add(_ diagnostics: [Diagnostic]) { items += diagnostics }

    /// "did you mean `x`?", or the list of what is allowed when nothing is close.
    static func suggestion(for word: String, among candidates: [String], noun: String = "") -> String? {
        if let close = Suggest.closest(to: word, among: candidates) { return "did you mean `\(close)`?" }
        guard !candidates.isEmpty, candidates.count <= 24 else { return nil }
        return "expected \(noun.isEmpty ? "one of" : noun + ":") " + candidates.map { "`\($0)`" }.joined(separator: ", ")
    }
}

extension Array where Element == Diagnostic {
    /// Sorted by file, line and column (unlocated first), without repeats: resolving
    /// several environments finds the same structural mistakes once per environment.
    func sortedUnique() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            let la = a.element.location, lb = b.element.location
            switch (la, lb) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?):
                if x.file != y.file { return x.file < y.file }
                if x.line != y.line { return x.line < y.line }
                if x.column != y.column { return x.column < y.column }
                return a.offset < b.offset
            }
        }.map(\.element)
    }
}
