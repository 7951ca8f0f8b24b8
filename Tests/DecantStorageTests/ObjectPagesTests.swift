import DecantCore
import DecantStorage
import Testing

@Suite struct ObjectPagesTests {
    actor Pager {
        var pages: [[ObjectRecord]]
        init(_ pages: [[ObjectRecord]]) { self.pages = pages }
        func next() -> ObjectPage? { pages.isEmpty ? nil : ObjectPage(objects: pages.removeFirst()) }
    }

    @Test func concatenatesPagesInOrder() async throws {
        let records = (0..<5).map { ObjectRecord(name: "o\($0)", size: Int64($0), generation: 1) }
        let pages = ObjectPages {
            let pager = Pager([Array(records[0..<2]), [], Array(records[2..<5])])
            return { await pager.next() }
        }
        #expect(try await pages.all().map(\.name) == ["o0", "o1", "o2", "o3", "o4"])
        // A second iteration starts again from the beginning.
        #expect(try await pages.all().count == 5)
    }

    @Test func errorsNameWhatTheyAreAbout() {
        #expect(StoreError.notFound(bucket: "b", object: "o").errorDescription == "gs://b/o does not exist")
        #expect(StoreError.preconditionFailed(bucket: "b", object: nil, detail: "metageneration").errorDescription == "gs://b: precondition failed (metageneration)")
        #expect(StoreError.rateLimited(bucket: nil, object: nil, detail: "429").isRetryable)
        #expect(!StoreError.invalid(bucket: nil, object: nil, detail: "x").isRetryable)
    }
}
