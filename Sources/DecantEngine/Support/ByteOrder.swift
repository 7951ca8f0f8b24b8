import Foundation

/// Object names compare by their UTF-8 bytes, as GCS orders listings. Swift's
/// `String` comparison and equality follow Unicode canonical equivalence, which
/// would treat two different object names as one; decant never uses them for names.
enum ByteOrder {
    /// -1, 0 or 1 as `a` sorts before, equal to or after `b`.
    @inline(__always)
    static func compare(_ a: Substring.UTF8View, _ b: Substring.UTF8View) -> Int {
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

    static func compare(_ a: String, _ b: String) -> Int {
        compare(Substring(a).utf8, Substring(b).utf8)
    }

    static func less(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }
    static func equal(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// The part of `name` after `prefix` (which it must start with, byte-wise).
    static func dropPrefix(_ prefix: String, from name: String) -> Substring {
        let utf8 = name.utf8
        let index = utf8.index(utf8.startIndex, offsetBy: prefix.utf8.count)
        return name[index...]
    }

    static func hasPrefix(_ name: String, _ prefix: String) -> Bool {
        name.utf8.starts(with: prefix.utf8)
    }

    /// The smallest string greater than every string that starts with `prefix`
    /// (its last byte incremented), or nil when there is none.
    static func successor(ofPrefix prefix: String) -> String? {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0x7f {
                bytes[bytes.count - 1] = last + 1
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes.removeLast()
        }
        return nil
    }
}
