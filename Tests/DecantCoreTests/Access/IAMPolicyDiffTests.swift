import DecantCore
import Testing

func member(_ text: String) -> IAMMember { IAMMember(rawValue: text) }
func members(_ texts: String...) -> [IAMMember] { texts.map(IAMMember.init(rawValue:)) }

let onlyOnWeekdays = IAMCondition(title: "weekdays", description: "office hours",
                                  expression: "request.time.getDayOfWeek(\"Europe/Paris\") < 5")

@Suite struct IAMPolicyTests {
    @Test func etagsLookLikeGCSOnes() {
        #expect(IAMEtag.first == "CAE=")
        #expect(IAMEtag.make(2) == "CAI=")
        #expect(IAMEtag.make(300) == "CKwC")
        #expect(Set((1...1000).map { IAMEtag.make(UInt64($0)) }).count == 1000)
    }

    @Test func normalizedMergesSortsAndDropsEmptyBindings() {
        let policy = IAMPolicy(version: 1, bindings: [
            IAMBinding(role: .objectViewer, members: members("user:b@example.com", "user:A@example.com")),
            IAMBinding(role: .objectAdmin, members: []),
            IAMBinding(role: .objectViewer, members: members("user:a@example.com")),
            IAMBinding(role: .objectViewer, members: members("group:g@example.com"), condition: onlyOnWeekdays),
        ], etag: "CAE=")
        let normalized = policy.normalized
        #expect(normalized.version == 3)
        #expect(normalized.etag == "CAE=")
        #expect(normalized.bindings == [
            IAMBinding(role: .objectViewer, members: members("user:A@example.com", "user:b@example.com")),
            IAMBinding(role: .objectViewer, members: members("group:g@example.com"), condition: onlyOnWeekdays),
        ])
        #expect(IAMPolicy(version: 3, bindings: [IAMBinding(role: .objectViewer, members: members("user:a@b.com"))]).normalized.version == 1)
    }

    @Test func grantsEqualIgnoresOrderSpellingVersionAndEtag() {
        let a = IAMPolicy(version: 1, bindings: [IAMBinding(role: .objectViewer, members: members("user:a@b.com", "user:c@d.com"))],
                          etag: "CAE=")
        let b = IAMPolicy(version: 3, bindings: [IAMBinding(role: .objectViewer, members: members("user:C@D.com")),
                                                 IAMBinding(role: .objectViewer, members: members("user:a@b.com"))], etag: "CAI=")
        #expect(a.grantsEqual(b))
        var c = b
        c.bindings[0].condition = onlyOnWeekdays
        #expect(!a.grantsEqual(c))
    }

    /// What GCS gives a bucket it has just created.
    @Test func newBucketPolicy() {
        let plain = IAMPolicy.newBucket(project: "p-dev", uniformAccess: false)
        #expect(plain == IAMPolicy(version: 1, bindings: [
            IAMBinding(role: .legacyBucketOwner, members: members("projectEditor:p-dev", "projectOwner:p-dev")),
            IAMBinding(role: .legacyBucketReader, members: members("projectViewer:p-dev")),
        ], etag: "CAE="))
        let uniform = IAMPolicy.newBucket(project: "p-dev", uniformAccess: true)
        #expect(uniform.bindings.map(\.role) == [.legacyBucketOwner, .legacyBucketReader, .legacyObjectOwner, .legacyObjectReader])
        #expect(IAMPolicy.newBucket(project: nil, uniformAccess: true) == IAMPolicy(version: 1, bindings: [], etag: "CAE="))
    }
}

@Suite struct IAMPolicyDiffTests {
    let observed = IAMPolicy(version: 3, bindings: [
        IAMBinding(role: .legacyBucketOwner, members: members("projectEditor:p-dev", "projectOwner:p-dev")),
        IAMBinding(role: .objectViewer, members: members("serviceAccount:old@p-dev.iam.gserviceaccount.com",
                                                         "user:Ana@Example.com")),
        IAMBinding(role: .objectViewer, members: members("group:auditors@example.com"), condition: onlyOnWeekdays),
        IAMBinding(role: .objectAdmin, members: members("group:data-eng@example.com")),
    ], etag: "CAc=")

    @Test func addedAndRemovedPerRoleOtherRolesAndConditionsUntouched() {
        let declared = [DeclaredBinding(role: .objectViewer, members: members("serviceAccount:airflow@p-dev.iam.gserviceaccount.com",
                                                                             "user:ana@example.com")),
                        DeclaredBinding(role: .objectCreator, members: members("serviceAccount:writer@p-dev.iam.gserviceaccount.com"))]
        let diff = IAMPolicyDiff.between(declared: declared, observed: observed)
        #expect(diff.changes == [
            IAMRoleChange(role: .objectCreator, added: members("serviceAccount:writer@p-dev.iam.gserviceaccount.com"), removed: []),
            IAMRoleChange(role: .objectViewer, added: members("serviceAccount:airflow@p-dev.iam.gserviceaccount.com"),
                          removed: members("serviceAccount:old@p-dev.iam.gserviceaccount.com")),
        ])
        #expect(diff.untouched == [
            IAMBinding(role: .legacyBucketOwner, members: members("projectEditor:p-dev", "projectOwner:p-dev")),
            IAMBinding(role: .objectAdmin, members: members("group:data-eng@example.com")),
            IAMBinding(role: .objectViewer, members: members("group:auditors@example.com"), condition: onlyOnWeekdays),
        ])
        #expect(diff.untouchedConditional.map(\.condition) == [onlyOnWeekdays])
        #expect(diff.policy == IAMPolicy(version: 3, bindings: [
            IAMBinding(role: .legacyBucketOwner, members: members("projectEditor:p-dev", "projectOwner:p-dev")),
            IAMBinding(role: .objectAdmin, members: members("group:data-eng@example.com")),
            IAMBinding(role: .objectCreator, members: members("serviceAccount:writer@p-dev.iam.gserviceaccount.com")),
            // Ana keeps the spelling the store has.
            IAMBinding(role: .objectViewer, members: members("serviceAccount:airflow@p-dev.iam.gserviceaccount.com",
                                                             "user:Ana@Example.com")),
            IAMBinding(role: .objectViewer, members: members("group:auditors@example.com"), condition: onlyOnWeekdays),
        ], etag: "CAc="))
    }

    @Test func anEmptyListTakesTheRoleAwayButNotItsConditionalGrants() {
        let diff = IAMPolicyDiff.between(declared: [DeclaredBinding(role: .objectViewer, members: [])], observed: observed)
        #expect(diff.changes == [IAMRoleChange(role: .objectViewer, added: [],
                                               removed: members("serviceAccount:old@p-dev.iam.gserviceaccount.com", "user:ana@example.com"))])
        #expect(diff.policy.bindings.filter { $0.role == .objectViewer }.map(\.condition) == [onlyOnWeekdays])
    }

    @Test func aDeclaredConditionalBindingIsItsOwnGrant() {
        let declared = [DeclaredBinding(role: .objectViewer, members: members("group:auditors@example.com", "user:bo@example.com"),
                                        condition: onlyOnWeekdays)]
        let diff = IAMPolicyDiff.between(declared: declared, observed: observed)
        #expect(diff.changes == [IAMRoleChange(role: .objectViewer, condition: onlyOnWeekdays,
                                               added: members("user:bo@example.com"), removed: [])])
        #expect(diff.untouched.filter { $0.role == .objectViewer }.map(\.condition) == [nil])
        #expect(diff.policy.version == 3)
    }

    @Test func inSyncIsEmptyAndPutsTheSameGrants() {
        let declared = [DeclaredBinding(role: .objectAdmin, members: members("group:DATA-ENG@example.com"))]
        let diff = IAMPolicyDiff.between(declared: declared, observed: observed)
        #expect(diff.isEmpty)
        #expect(diff.policy.grantsEqual(observed))
        #expect(IAMPolicyDiff.between(declared: [], observed: observed).policy.grantsEqual(observed))
    }

    @Test func versionDropsToOneWithoutConditions() {
        let plain = IAMPolicy(version: 1, bindings: [], etag: "CAE=")
        let diff = IAMPolicyDiff.between(declared: [DeclaredBinding(role: .objectViewer, members: members("user:a@b.com"))],
                                         observed: plain)
        #expect(diff.policy == IAMPolicy(version: 1, bindings: [IAMBinding(role: .objectViewer, members: members("user:a@b.com"))],
                                         etag: "CAE="))
    }
}

@Suite struct IAMFromSourceTests {
    let source = IAMPolicy(version: 3, bindings: [
        IAMBinding(role: .legacyBucketOwner, members: members("projectOwner:p-dev")),
        IAMBinding(role: .objectViewer, members: members("serviceAccount:Reader@p-dev.iam.gserviceaccount.com",
                                                         "deleted:user:gone@example.com?uid=12")),
        IAMBinding(role: .objectAdmin, members: members("group:ops@example.com")),
        IAMBinding(role: .objectViewer, members: members("group:auditors@example.com"), condition: onlyOnWeekdays),
    ])

    @Test func startsFromUnconditionalSourceBindingsDeclaredRolesWin() {
        let access = BucketAccess(bindings: [DeclaredBinding(role: .objectAdmin, members: members("group:data-eng@example.com"))],
                                  fromSource: true)
        let resolved = access.resolved(sources: [source])
        #expect(resolved.bindings == [
            DeclaredBinding(role: .legacyBucketOwner, members: members("projectOwner:p-dev")),
            DeclaredBinding(role: .objectAdmin, members: members("group:data-eng@example.com")),
            DeclaredBinding(role: .objectViewer, members: members("serviceAccount:reader@p-dev.iam.gserviceaccount.com")),
        ])
        #expect(resolved.sourceConditionalBindings == [source.bindings[3]])
        #expect(resolved.sourceDeletedMembers == members("deleted:user:gone@example.com?uid=12"))
    }

    @Test func severalSourcesMergeAndWithoutTheFlagSourcesAreIgnored() {
        let other = IAMPolicy(bindings: [IAMBinding(role: .objectViewer, members: members("user:b@example.com"))])
        let merged = BucketAccess(fromSource: true).resolved(sources: [source, other])
        #expect(merged.bindings.first { $0.role == .objectViewer }?.members
            == members("serviceAccount:reader@p-dev.iam.gserviceaccount.com", "user:b@example.com"))
        let declaredOnly = BucketAccess(bindings: [DeclaredBinding(role: .objectViewer, members: members("user:c@example.com"))])
            .resolved(sources: [source])
        #expect(declaredOnly == ResolvedAccess(bindings: [DeclaredBinding(role: .objectViewer, members: members("user:c@example.com"))]))
    }
}
