import DecantCore

/// Replaces `${name}` with an environment's variable; `$$` is a literal `$`.
/// Anything else is left as written, including the date tokens `{YYYYMMDD}`
/// that only partition patterns give a meaning to.
struct Interpolator {
    let variables: [String: String]
    /// False reads strings as they are written (the seed's format has no variables).
    var enabled = true

    /// Reads strings as written.
    static let verbatim = Interpolator(variables: [:], enabled: false)

    /// The interpolated text, or nil after reporting why it cannot be.
    func apply(_ text: String, at location: SourceLocation, bag: DiagnosticBag) -> String? {
        guard enabled, text.contains("$") else { return text }
        var out = ""
        var ok = true
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            guard c == "$", i + 1 < scalars.count else {
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            let next = scalars[i + 1]
            if next == "$" {
                out += "$"
                i += 2
            } else if next == "{" {
                guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                    bag.error("`${` is never closed in `\(text)`", at: location, hint: "write `${name}`, or `$$` for a literal `$`")
                    return nil
                }
                let name = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
                if let value = variables[name] {
                    out += value
                } else {
                    ok = false
                    let hint = Suggest.closest(to: name, among: variables.keys).map { "did you mean `${\($0)}`?" }
                        ?? "the variables are " + variables.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")
                    bag.error(name.isEmpty ? "empty variable reference `${}` in `\(text)`"
                                           : "unknown variable `${\(name)}` in `\(text)`", at: location, hint: hint)
                }
                i = close + 1
            } else if next.properties.isAlphabetic || next == "_" {
                var end = i + 1
                while end < scalars.count, scalars[end].properties.isAlphabetic || scalars[end] == "_"
                    || ("0"..."9").contains(scalars[end]) { end += 1 }
                let name = String(String.UnicodeScalarView(scalars[(i + 1)..<end]))
                bag.error("`$\(name)` in `\(text)` is not a variable reference", at: location,
                          hint: "write `${\(name)}` for the variable, or `$$\(name)` for the text")
                return nil
            } else {
                out += "$"
                i += 1
            }
        }
        return ok ? out : nil
    }
}
