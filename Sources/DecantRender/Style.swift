/// ANSI styling, applied only when colour is wanted (a terminal without NO_COLOR).
struct Style {
    let enabled: Bool

    func green(_ s: String) -> String { wrap(s, "32") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func red(_ s: String) -> String { wrap(s, "31") }
    func bold(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }

    func symbol(_ c: Character) -> String {
        switch c {
        case "+": return green("+")
        case "~": return yellow("~")
        case "-": return red("-")
        case "!": return bold(red("!"))
        default: return String(c)
        }
    }

    private func wrap(_ s: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
