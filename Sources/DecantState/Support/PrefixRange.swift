/// Turns "names starting with P" into the half-open range `[P, upper)` so that
/// SQLite can answer a prefix query from an index. SQLite compares TEXT with
/// `memcmp` on UTF-8, and UTF-8 byte order is Unicode scalar order, so the range
/// is exact: increment the last scalar of P (skipping the surrogate gap; a last
/// scalar of U+10FFFF is dropped and the one before it incremented).
enum PrefixRange {
    /// The exclusive upper bound, or nil when every name matches (empty prefix).
    static func upperBound(of prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars)
                return text
            }
        }
        return nil
    }
}
