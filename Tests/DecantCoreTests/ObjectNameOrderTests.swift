import DecantCore
import Foundation
import Testing
import TestSupport

/// The one object-name order (`ByteOrder`) against the definition, by brute force:
/// random names built from the scalars where UTF-8 orders go wrong (multi-byte
/// sequences, DEL, the surrogate gap, U+FFFF and U+10FFFF, combining marks), sorted
/// by their bytes with no shortcut, and every name checked against every prefix.
@Suite struct ObjectNameOrderTests {
    /// Scalars around every UTF-8 length boundary and the surrogate gap.
    static let alphabet: [Unicode.Scalar] = [
        "/", "0", "a", "b", "z", "~", "\u{7F}", "\u{80}", "\u{E9}", "\u{301}", "\u{7FF}", "\u{800}",
        "\u{D7FF}", "\u{E000}", "\u{FFFD}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}",
    ]

    static func randomName(_ random: inout SplitMix64, maxLength: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int(random.next() % UInt64(maxLength + 1)) {
            scalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))])
        }
        return String(scalars)
    }

    /// The definition: compare byte by byte; a name that runs out first is smaller.
    static func bruteForceLess(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0
        while i < x.count && i < y.count {
            if x[i] != y[i] { return x[i] < y[i] }
            i += 1
        }
        return x.count < y.count
    }

    static func bruteForceHasPrefix(_ name: String, _ prefix: String) -> Bool {
        let x = Array(name.utf8), p = Array(prefix.utf8)
        return x.count >= p.count && Array(x[0..<p.count]) == p
    }

    @Test func compareAndPrefixAgreeWithABruteForceSortOfRandomNames() {
        var random = SplitMix64(seed: 20261201)
        let names = (0..<400).map { _ in Self.randomName(&random, maxLength: 5) }
        let sorted = names.sorted(by: Self.bruteForceLess)
        #expect(names.sorted(by: ByteOrder.less) == sorted)
        for (a, b) in zip(names, names.shuffled(using: &random)) {
            let expected = Self.bruteForceLess(a, b) ? -1 : (Self.bruteForceLess(b, a) ? 1 : 0)
            #expect(ByteOrder.compare(a, b) == expected, "\(a.unicodeScalars.map(\.value)) vs \(b.unicodeScalars.map(\.value))")
            #expect(ByteOrder.compare(Substring(a).utf8, Substring(b).utf8) == expected)
            #expect(ByteOrder.equal(a, b) == (expected == 0))
            #expect(ByteOrder.hasPrefix(a, b) == Self.bruteForceHasPrefix(a, b))
        }
    }

    /// `successor(ofPrefix: p)` is the exclusive end of the range of names that start
    /// with `p`: every such name sorts below it, every other name above `p` sorts at
    /// or after it, and it is valid UTF-8 (it round-trips through its bytes).
    @Test func successorBoundsExactlyTheNamesOfAPrefix() {
        var random = SplitMix64(seed: 7)
        let names = (0..<300).map { _ in Self.randomName(&random, maxLength: 4) }
        let prefixes = Set(names.flatMap { name in
            (0...name.unicodeScalars.count).map { String(String.UnicodeScalarView(name.unicodeScalars.prefix($0))) }
        })
        for prefix in prefixes {
            guard let upper = ByteOrder.successor(ofPrefix: prefix) else {
                // Only the empty prefix and prefixes of U+10FFFF alone have no bound: every name is in range.
                #expect(prefix.unicodeScalars.allSatisfy { $0.value == 0x10FFFF }, "\(prefix.unicodeScalars.map(\.value)) has no successor")
                continue
            }
            #expect(String(decoding: Array(upper.utf8), as: UTF8.self) == upper)
            #expect(Self.bruteForceLess(prefix, upper))
            for name in names {
                if Self.bruteForceHasPrefix(name, prefix) {
                    #expect(Self.bruteForceLess(name, upper), "\(name.unicodeScalars.map(\.value)) starts with the prefix but is not below \(upper.unicodeScalars.map(\.value))")
                } else if Self.bruteForceLess(prefix, name) {
                    #expect(!Self.bruteForceLess(name, upper), "\(name.unicodeScalars.map(\.value)) is outside the prefix \(prefix.unicodeScalars.map(\.value)) but below its successor")
                }
            }
        }
    }

    @Test func examples() {
        let composed = "caf\u{e9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed) // Swift's String equality …
        #expect(!ByteOrder.equal(composed, decomposed)) // … is not how object names compare.
        // "é" precomposed (C3 A9) sorts after "z" by bytes; decomposed "e\u{301}" before it.
        #expect(ByteOrder.less("z", "\u{e9}"))
        #expect(ByteOrder.less("e\u{301}", "z"))
        #expect(ByteOrder.less("a-c", "a/b"))
        #expect(!ByteOrder.hasPrefix("e\u{301}x", "\u{e9}"))
        #expect(ByteOrder.successor(ofPrefix: "archives/firebase_events/") == "archives/firebase_events0")
        #expect(ByteOrder.successor(ofPrefix: "") == nil)
        #expect(ByteOrder.successor(ofPrefix: "a\u{7F}") == "a\u{80}")
        #expect(ByteOrder.successor(ofPrefix: "a\u{e9}") == "a\u{ea}")
        #expect(ByteOrder.successor(ofPrefix: "a\u{D7FF}") == "a\u{E000}")
        #expect(ByteOrder.successor(ofPrefix: "a\u{10FFFF}") == "b")
        #expect(ByteOrder.successor(ofPrefix: "\u{10FFFF}") == nil)
    }
}

@Suite struct RedactionTests {
    @Test(arguments: [
        "Authorization: Bearer ya29.c.b0AXv0zTOKEN",
        "token refresh failed: {\"access_token\":\"ya29.abc\",\"expires_in\":3599}",
        "POST grant_type=refresh_token&refresh_token=1//0gSECRETSECRETSECRETSECRET&client_secret=GOCSPX-abc",
        "key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        "password=hunter2 was rejected",
        "invalid_grant: grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4QHkifQ.c2lnbmF0dXJlTOKEN",
        "echo: eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4QHkifQ.c2lnbmF0dXJlTOKEN",
    ])
    func credentialsAreRemoved(_ text: String) {
        let scrubbed = Redaction.scrub(text)
        for secret in ["ya29", "TOKEN", "1//0g", "GOCSPX", "MIIEvQ", "hunter2", "eyJ"] {
            #expect(!scrubbed.contains(secret), "\(secret) survived in \(scrubbed)")
        }
        #expect(scrubbed.contains(Redaction.mask))
    }

    @Test func ordinaryErrorsAreKept() {
        let text = "gs://archive-bucket-dev/archives/a.parquet: precondition failed (generation is 5, not 4)"
        #expect(Redaction.scrub(text) == text)
    }

    @Test func knownSecretsAndQueriesAreHidden() throws {
        let url = try #require(URL(string: "https://user:pw@example.com/token?key=s3cr3t#frag"))
        #expect(Redaction.safeURL(url) == "https://example.com/token")
        #expect(Redaction.scrub("token s3cr3t+/ and s3cr3t%2B%2F", secrets: ["s3cr3t+/"]) == "token [redacted] and [redacted]")
    }
}
