import Foundation

/// The one order of object names in decant: by their UTF-8 bytes, as GCS orders
/// listings and as SQLite's BINARY collation compares TEXT. Swift's `String`
/// comparison and equality follow Unicode canonical equivalence, which would treat
/// two different object names as one; decant never uses them for names. Listings,
/// the ledger's prefix queries and the planner's merges all go through here, so
/// they cannot disagree (DESIGN.md §4: what guards the invariants has one home).
public enum ByteOrder {
    /// -1, 0 or 1 as `a` sorts before, equal to or after `b`.
    @inline(__always)
    public static func compare(_ a: Substring.UTF8View, _ b: Substring.UTF8View) -> Int {
        let fast = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y -> Int in
                let n = min(x.count, y.count)
                if n > 0, let px = x.baseAddress, let py = y.baseAddress {
                    let c = memcmp(px, py, n)
                    if c != 0 { return c < 0 ? -1 : 1 }
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
        if let result = fast ?? nil { return result }
        var i = a.startIndex, j = b.startIndex
        while i != a.endIndex, j != b.endIndex {
            let x = a[i], y = b[j]
            if x != y { return x < y ? -1 : 1 }
            a.formIndex(after: &i)
            b.formIndex(after: &j)
        }
        if i == a.endIndex { return j == b.endIndex ? 0 : -1 }
        return 1
    }

    public static func compare(_ a: String, _ b: String) -> Int {
        compare(Substring(a).utf8, Substring(b).utf8)
    }

    public static func less(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }
    public static func equal(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// Whether `name` starts with `prefix`, byte for byte (`"é"` does not start
    /// with `"e"`, and `"e\u{301}"` does not start with `"é"`).
    public static func hasPrefix(_ name: String, _ prefix: String) -> Bool {
        name.utf8.starts(with: prefix.utf8)
    }

    /// The part of `name` after `prefix` (which it must start with, byte-wise).
    public static func dropPrefix(_ prefix: String, from name: String) -> Substring {
        let utf8 = name.utf8
        let index = utf8.index(utf8.startIndex, offsetBy: prefix.utf8.count)
        return name[index...]
    }

    /// The smallest name greater than every name that starts with `prefix`, or nil
    /// when there is none (an empty prefix, or one of only U+10FFFF): the exclusive
    /// upper bound of a prefix as a range `[prefix, successor)`.
    ///
    /// UTF-8 byte order is Unicode scalar order and UTF-8 is prefix-free, so the
    /// last scalar is incremented (skipping the surrogate gap); a last scalar of
    /// U+10FFFF is dropped and the one before it incremented. Incrementing the last
    /// *byte* instead would make invalid UTF-8 for any byte past 0x7E.
    public static func successor(ofPrefix prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var value = last.value + 1
            if value == 0xD800 { value = 0xE000 }
            if let next = Unicode.Scalar(value) {
                scalars.append(next)
                var out = String.UnicodeScalarView()
                out.append(contentsOf: scalars)
                return String(out)
            }
        }
        return nil
    }
}
