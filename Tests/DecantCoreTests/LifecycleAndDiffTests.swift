import DecantCore
import Foundation
import Testing

@Suite struct LifecycleAndDiffTests {
    @Test func lifecycleComparesCanonically() {
        let a: [LifecycleRule] = [
            LifecycleRule(action: .setStorageClass(.nearline), condition: .init(age: 30, matchesSuffix: [".csv", ".avro"])),
            LifecycleRule(action: .setStorageClass(.archive), condition: .init(age: 365)),
        ]
        let b: [LifecycleRule] = [
            LifecycleRule(action: .setStorageClass(.archive), condition: .init(age: 365, matchesPrefix: [])),
            LifecycleRule(action: .setStorageClass(.nearline), condition: .init(age: 30, matchesSuffix: [".avro", ".csv", ".csv"])),
        ]
        #expect(a.isEquivalent(to: b))
        #expect(!a.isEquivalent(to: Array(b.prefix(1))))
        #expect(a.hasAgeBasedRules)
        #expect(a.map(\.onCustomTime).allSatisfy { $0.condition.age == nil && $0.condition.daysSinceCustomTime != nil })
    }

    @Test func unifiedDiff() {
        let before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
        let after = "a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nk\n"
        let diff = UnifiedDiff.make(path: "x.py", before: before, after: after)
        #expect(diff == """
        --- a/x.py
        +++ b/x.py
        @@ -1,6 +1,6 @@
         a
         b
        -c
        +C
         d
         e
         f
        @@ -8,3 +8,4 @@
         h
         i
         j
        +k

        """)
        #expect(UnifiedDiff.make(path: "x", before: before, after: before) == "")
        #expect(UnifiedDiff.make(path: "x", before: "", after: "new\n") == "--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+new\n")
        #expect(UnifiedDiff.make(path: "x", before: "a", after: "a\n") == "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n")
    }

    @Test func crlfLinesAreLinesAndKeepTheirCarriageReturn() {
        // "\r\n" is one Character in Swift: splitting by Character would make the file one line.
        let diff = UnifiedDiff.make(path: "x", before: "a\r\nb\r\nc\r\n", after: "a\r\nB\r\nc\r\n")
        #expect(diff == "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n")
        #expect(Array(diff.utf8).filter { $0 == 13 }.count == 4)
    }

    @Test func digests() {
        #expect(Digest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.hex(Digest.md5(Data("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
    }

    @Test func contentIdentity() {
        let a = ContentIdentity(size: 3, crc32c: "x", md5: "m")
        #expect(a.matches(ContentIdentity(size: 3, crc32c: "x", md5: nil)))
        #expect(!a.matches(ContentIdentity(size: 3, crc32c: "x", md5: "n")))
        #expect(!a.matches(ContentIdentity(size: 4, crc32c: "x", md5: "m")))
        #expect(!a.matches(ContentIdentity(size: 3, crc32c: nil, md5: "m")))
    }

    @Test func clockParsing() {
        #expect(FixedClock(parsing: "2026-11-20")?.instant == CalendarDay("2026-11-20")!.startDate)
        #expect(FixedClock(parsing: "2026-11-20T10:00:00Z") != nil)
        #expect(FixedClock(parsing: "tomorrow") == nil)
    }
}
