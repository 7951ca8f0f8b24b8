import DecantCore
import Foundation
import Testing
import TestSupport
@testable import DecantStorage

/// The reference's rules for jobs, checked before any request.
@Suite struct TransferRulesTests {
    static func job(include: [String]? = nil, exclude: [String]? = nil, sourcePath: String = "hist/",
                    sinkPath: String = "arch/", options: TransferOptions? = nil) -> TransferJob {
        TransferJob(name: TransferJobName.make(lineage: "l", migration: "m", mapping: 0), projectId: "p",
                    transferSpec: TransferSpec(gcsDataSource: GCSData(bucketName: "src-bucket", path: sourcePath),
                                               gcsDataSink: GCSData(bucketName: "dst-bucket", path: sinkPath),
                                               objectConditions: include == nil && exclude == nil ? nil
                                                   : ObjectConditions(includePrefixes: include, excludePrefixes: exclude),
                                               transferOptions: options))
    }

    /// Invalid object conditions, each with a word its problem must contain.
    static let badConditions: [(include: [String]?, exclude: [String]?, problem: String)] = [
        (["a/", "a/b/"], nil, "is a prefix of"),
        (["a/", "a/"], nil, "twice"),
        (["/a/"], nil, "starts with '/'"),
        ([""], nil, "empty"),
        (["a/"], ["b/x"], "does not start with any of the includePrefixes"),
        (nil, ["x/", "x/y"], "is a prefix of"),
        ([String(repeating: "é", count: 513)], nil, "1026 bytes"),
        ((0...1000).map { "p\($0)/" }, nil, "1001 entries"),
        (["a\nb/"], nil, "line break"),
    ]

    @Test(arguments: badConditions.indices)
    func invalidObjectConditionsAreFound(_ index: Int) {
        let bad = Self.badConditions[index]
        let problems = TransferJobRules.problems(in: Self.job(include: bad.include, exclude: bad.exclude))
        #expect(problems.contains { $0.contains(bad.problem) }, "\(problems)")
    }

    @Test func validConditionsPass() {
        let prefixes = (0..<1000).map { String(format: "p%04d/", $0) }
        #expect(TransferJobRules.problems(in: Self.job(include: prefixes, exclude: ["p0001/tmp/", "p0002/x"])) == [])
        #expect(TransferJobRules.problems(in: Self.job(include: ["ab", "b"], exclude: nil)) == [])
        #expect(TransferJobRules.problems(in: Self.job(include: nil, exclude: ["anything/"])) == [])
        // 1,024 bytes exactly is allowed.
        #expect(TransferJobRules.problems(in: Self.job(include: [String(repeating: "é", count: 512)])) == [])
        #expect(TransferJobRules.problems(in: Self.job(sourcePath: "", sinkPath: "")) == [])
    }

    @Test func aPrefixMatchesBytesNotCanonicalUnicode() {
        // "é" precomposed and decomposed are equal as Swift strings, not as object names.
        let composed = "caf\u{E9}/", decomposed = "cafe\u{301}/"
        let conditions = ObjectConditions(includePrefixes: [composed, decomposed])
        #expect(TransferJobRules.conditionProblems(conditions) == [])
        #expect(ObjectConditions(includePrefixes: [composed]).admits(composed + "x"))
        #expect(!ObjectConditions(includePrefixes: [composed]).admits(decomposed + "x"))
    }

    @Test func pathsAndOptionsAreChecked() {
        #expect(TransferJobRules.problems(in: Self.job(sourcePath: "hist")).contains { $0.contains("does not end with '/'") })
        #expect(TransferJobRules.problems(in: Self.job(sinkPath: "/arch/")).contains { $0.contains("starts with '/'") })
        let deleting = Self.job(options: TransferOptions(deleteObjectsFromSourceAfterTransfer: true))
        #expect(TransferJobRules.problems(in: deleting).contains { $0.contains("deleteObjectsFromSourceAfterTransfer") })
        let pruning = Self.job(options: TransferOptions(deleteObjectsUniqueInSink: true))
        #expect(TransferJobRules.problems(in: pruning).contains { $0.contains("deleteObjectsUniqueInSink") })
        var unnamed = Self.job()
        unnamed.name = nil
        unnamed.projectId = nil
        #expect(TransferJobRules.problems(in: unnamed).count == 2)
        var manifest = Self.job()
        manifest.transferSpec?.transferManifest = TransferManifest(location: "gs://bucket-only")
        #expect(TransferJobRules.problems(in: manifest).contains { $0.contains("not gs://bucket/object") })
    }

    @Test(arguments: [
        ("transferJobs/decant-a-1", true), ("transferJobs/a.b_c~d-9", true), ("transferJobs/OPIjob", false),
        ("transferJobs/a-", false), ("transferJobs/", false), ("jobs/a", false), ("transferJobs/a/b", false),
        ("transferJobs/" + String(repeating: "a", count: 115), true), ("transferJobs/" + String(repeating: "a", count: 116), false),
    ])
    func jobNamesFollowTheReference(_ name: String, _ valid: Bool) {
        #expect((TransferJobRules.jobNameProblem(name) == nil) == valid, "\(name)")
    }

    @Test func jobNamesAreDeterministicDistinctAndValid() {
        let lineage = "3f1c1a9e-8c1e-4a57-9a53-5f3c1d2e4b6a"
        let name = TransferJobName.make(lineage: lineage, migration: "qpi_answers", mapping: 2)
        #expect(name == TransferJobName.make(lineage: lineage, migration: "qpi_answers", mapping: 2))
        #expect(name.hasPrefix("transferJobs/decant-qpi-answers-m2-"))
        let others = [
            TransferJobName.make(lineage: lineage, migration: "qpi-answers", mapping: 2),
            TransferJobName.make(lineage: lineage, migration: "qpi_answers", mapping: 3),
            TransferJobName.make(lineage: "another", migration: "qpi_answers", mapping: 2),
        ]
        #expect(Set(others + [name]).count == 4)
        for migration in ["historization", "OPI", "___", "émile/ü", String(repeating: "x", count: 500), ""] {
            let made = TransferJobName.make(lineage: lineage, migration: migration, mapping: 0)
            #expect(TransferJobRules.jobNameProblem(made) == nil, "\(made)")
        }
    }
}
