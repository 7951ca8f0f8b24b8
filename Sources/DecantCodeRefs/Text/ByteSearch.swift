/// Substring search on raw bytes, 16 positions at a time: compare the needle's
/// first and last bytes against two shifted SIMD loads and check the full
/// needle only where both match (the "generic SIMD" method that memchr-style
/// searchers use). glibc's `memmem` is not visible from Swift, and a byte loop
/// would be several times slower.
enum ByteSearch {
    /// Calls `found` with the offset of every occurrence of `needle`, left to
    /// right; stops early when `found` returns false.
    static func scan(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, _ found: (Int) -> Bool) {
        let k = needle.count, n = haystack.count
        guard k > 0, n >= k else { return }
        needle.withUnsafeBufferPointer { nb in
            let firstByte = nb[0], lastByte = nb[k - 1]
            @inline(__always) func matchesAt(_ i: Int) -> Bool {
                var j = 1
                while j < k - 1 {
                    if haystack[i + j] != nb[j] { return false }
                    j += 1
                }
                return true
            }
            let first = SIMD16<UInt8>(repeating: firstByte)
            let last = SIMD16<UInt8>(repeating: lastByte)
            var i = 0
            while i + k - 1 + 16 <= n {
                let a = haystack.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let b = haystack.loadUnaligned(fromByteOffset: i + k - 1, as: SIMD16<UInt8>.self)
                let mask = (a .== first) .& (b .== last)
                if any(mask) {
                    for lane in 0..<16 where mask[lane] && matchesAt(i + lane) {
                        if !found(i + lane) { return }
                    }
                }
                i += 16
            }
            while i + k <= n {
                if haystack[i] == firstByte, haystack[i + k - 1] == lastByte, matchesAt(i) {
                    if !found(i) { return }
                }
                i += 1
            }
        }
    }

    static func forEach(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, _ found: (Int) -> Void) {
        scan(needle, in: haystack) { found($0); return true }
    }

    static func contains(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Bool {
        var hit = false
        scan(needle, in: haystack) { _ in hit = true; return false }
        return hit
    }

    /// Offsets (in `bytes`) of every occurrence of `needle` inside `range` (all of `bytes` by default).
    static func offsets(of needle: [UInt8], in bytes: [UInt8], range: Range<Int>? = nil) -> [Int] {
        var out: [Int] = []
        let r = (range ?? 0..<bytes.count).clamped(to: 0..<bytes.count)
        bytes.withUnsafeBytes { raw in
            forEach(needle, in: UnsafeRawBufferPointer(rebasing: raw[r])) { out.append($0 + r.lowerBound) }
        }
        return out
    }

    /// Offsets of `name` where it stands as a whole identifier, inside `range` when given.
    static func identifierOffsets(of name: [UInt8], in bytes: [UInt8], range: Range<Int>? = nil) -> [Int] {
        offsets(of: name, in: bytes, range: range).filter { at in
            (at == 0 || !Byte.isIdent(bytes[at - 1])) && (at + name.count >= bytes.count || !Byte.isIdent(bytes[at + name.count]))
        }
    }
}
