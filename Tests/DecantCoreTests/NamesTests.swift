import DecantCore
import Testing

@Suite struct NamesTests {
    @Test(arguments: ["archive-bucket-dev", "seed-data-bucket-prod", "a.b.c", "abc", "x_y-1"])
    func validBucketNames(name: String) {
        #expect(BucketName.problems(name) == [])
    }

    @Test(arguments: ["ab", "Archive-bucket", "-abc", "abc-", "goog-bucket", "my-google-bucket", "192.168.1.1",
                      String(repeating: "a", count: 64), "a..b", "bucket/x", "buck et"])
    func invalidBucketNames(name: String) {
        #expect(!BucketName.problems(name).isEmpty)
    }

    @Test func objectNames() {
        #expect(ObjectName.problem("historization/tracking/a.parquet") == nil)
        #expect(ObjectName.problem("a/../b") != nil)
        #expect(ObjectName.problem("../b") != nil)
        #expect(ObjectName.problem("/abs") != nil)
        #expect(ObjectName.problem("a//b") != nil)
        #expect(ObjectName.problem("a\u{0}b") != nil)
        #expect(ObjectName.problem(String(repeating: "x", count: 1025)) != nil)
        #expect(ObjectName.problem("..hidden/ok") == nil)
    }

    @Test func suggestions() {
        #expect(Suggest.closest(to: "lifecyle", among: ["lifecycle", "labels", "location"]) == "lifecycle")
        #expect(Suggest.closest(to: "zzzzzz", among: ["lifecycle", "labels"]) == nil)
    }
}
