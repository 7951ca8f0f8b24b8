/// Unified diffs (`diff -u`, what `git apply` and reviewers read) of two texts,
/// computed line by line with a Myers shortest edit script.
public enum UnifiedDiff {
    public static func make(path: String, before: String, after: String, context: Int = 3) -> String {
        let a = lines(before), b = lines(after)
        let ops = script(a, b)
        guard ops.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        // Group edits into hunks with `context` lines around them.
        var i = 0
        while i < ops.count {
            guard let start = ops[i...].firstIndex(where: { $0.kind != .same }) else { break }
            var end = start
            var j = start
            while j < ops.count {
                if ops[j].kind != .same { end = j; j += 1; continue }
                // Look ahead: a run of `same` longer than 2×context ends the hunk.
                var k = j
                while k < ops.count, ops[k].kind == .same { k += 1 }
                if k == ops.count || k - j > 2 * context { break }
                j = k
            }
            let lo = max(i, start - context)
            let hi = min(ops.count - 1, end + context)
            let hunk = ops[lo...hi]
            let aStart = hunk.first.map { $0.aIndex } ?? 0
            let bStart = hunk.first.map { $0.bIndex } ?? 0
            let aCount = hunk.filter { $0.kind != .insert }.count
            let bCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(range(aStart, aCount)) +\(range(bStart, bCount)) @@\n"
            for op in hunk {
                switch op.kind {
                case .same: out += " " + a[op.aIndex].text + "\n"
                case .delete: out += "-" + a[op.aIndex].text + "\n"
                case .insert: out += "+" + b[op.bIndex].text + "\n"
                }
                let line = op.kind == .insert ? b[op.bIndex] : a[op.aIndex]
                if !line.newline { out += "\\ No newline at end of file\n" }
            }
            i = hi + 1
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        // diff -u numbers lines from 1; an empty range names the line before it.
        let first = count == 0 ? start : start + 1
        return count == 1 ? "\(first)" : "\(first),\(count)"
    }

    struct Line: Equatable {
        var text: Substring
        var newline: Bool
    }

    static func lines(_ s: String) -> [Line] {
        guard !s.isEmpty else { return [] }
        var out: [Line] = []
        // By scalar, not by Character: "\r\n" is one Character, so a CRLF file would be one line.
        var rest = Substring(s).unicodeScalars
        while !rest.isEmpty {
            if let nl = rest.firstIndex(of: "\n") {
                out.append(Line(text: Substring(rest[..<nl]), newline: true))
                rest = rest[rest.index(after: nl)...]
            } else {
                out.append(Line(text: Substring(rest), newline: false))
                break
            }
        }
        return out
    }

    enum Kind { case same, delete, insert }
    struct Op { var kind: Kind; var aIndex: Int; var bIndex: Int }

    /// Myers' O((N+M)D) algorithm, returning the edit script in order.
    static func script(_ a: [Line], _ b: [Line]) -> [Op] {
        let n = a.count, m = b.count
        let max = n + m
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        outer: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]) {
                    x = v[k + 1 + max]
                } else {
                    x = v[k - 1 + max] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[k + max] = x
                if x >= n, y >= m { trace.append(v); break outer }
            }
        }
        // Backtrack.
        var ops: [Op] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let prevK: Int
            if k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]) { prevK = k + 1 } else { prevK = k - 1 }
            let prevX = v[prevK + max]
            let prevY = prevX - prevK
            while x > prevX, y > prevY { x -= 1; y -= 1; ops.append(Op(kind: .same, aIndex: x, bIndex: y)) }
            if d > 0 {
                if x == prevX { y -= 1; ops.append(Op(kind: .insert, aIndex: x, bIndex: y)) }
                else { x -= 1; ops.append(Op(kind: .delete, aIndex: x, bIndex: y)) }
            }
        }
        while x > 0, y > 0 { x -= 1; y -= 1; ops.append(Op(kind: .same, aIndex: x, bIndex: y)) }
        return ops.reversed()
    }
}
