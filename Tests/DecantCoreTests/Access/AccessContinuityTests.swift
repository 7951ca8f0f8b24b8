import DecantCore
import Foundation
import Testing

@Suite struct AccessContinuityTests {
    let reader = member("serviceAccount:airflow@p-dev.iam.gserviceaccount.com")

    func policy(_ bindings: (IAMRole, [IAMMember])...) -> IAMPolicy {
        IAMPolicy(bindings: bindings.map { IAMBinding(role: $0.0, members: $0.1) })
    }

    func check(_ source: IAMPolicy, _ target: IAMPolicy) -> [AccessWarning] {
        AccessContinuity.check(source: "data-bucket-dev", sourcePolicy: source, target: "archive-bucket-dev", targetPolicy: target)
    }

    @Test func aReaderLeftOutLosesReadAndList() {
        let warnings = check(policy((.objectViewer, [reader])), policy())
        #expect(warnings == [.accessLost(member: reader, permissions: [.list, .read], roles: [.objectViewer],
                                         source: "data-bucket-dev", target: "archive-bucket-dev")])
        #expect(warnings.first?.code == "access_lost")
        #expect(warnings.first?.bucket == "archive-bucket-dev")
        #expect(warnings.first?.description == "after cutover, serviceAccount:airflow@p-dev.iam.gserviceaccount.com can no longer"
            + " list or read objects in gs://archive-bucket-dev (it holds roles/storage.objectViewer on gs://data-bucket-dev)")
    }

    /// Every known role, held on the source and nowhere on the target: the warning
    /// names exactly the role's object permissions.
    @Test(arguments: IAMRole.knownObjectAccess.keys.sorted())
    func eachKnownRoleIsWhatItGrants(_ role: IAMRole) throws {
        let expected = try #require(IAMRole.knownObjectAccess[role])
        #expect(check(policy((role, [reader])), policy()) == [
            .accessLost(member: reader, permissions: expected, roles: [role], source: "data-bucket-dev", target: "archive-bucket-dev"),
        ])
    }

    @Test func anEqualOrWiderRoleOnTheTargetKeepsAccess() {
        #expect(check(policy((.objectViewer, [reader])), policy((.objectAdmin, [reader]))) == [])
        #expect(check(policy((.legacyBucketReader, [reader]), (.legacyObjectReader, [reader])),
                      policy((.objectViewer, [reader]))) == [])
        #expect(check(policy((.objectViewer, [reader])), policy((.objectViewer, [member("serviceAccount:AIRFLOW@p-dev.iam.gserviceaccount.com")]))) == [])
    }

    @Test func aNarrowerRoleLosesTheDifference() {
        #expect(check(policy((.objectUser, [reader])), policy((.objectViewer, [reader]))) == [
            .accessLost(member: reader, permissions: [.create, .delete], roles: [.objectUser],
                        source: "data-bucket-dev", target: "archive-bucket-dev"),
        ])
        let writes = check(policy((.objectCreator, [reader]), (.objectViewer, [reader])), policy((.objectViewer, [reader])))
        #expect(writes.first?.description.hasPrefix("after cutover, \(reader) can no longer create objects") == true)
    }

    @Test func publicGrantsOnTheTargetCoverEveryoneTheyInclude() {
        #expect(check(policy((.objectViewer, [reader])), policy((.objectViewer, [.allUsers]))) == [])
        #expect(check(policy((.objectViewer, [reader])), policy((.objectViewer, [.allAuthenticatedUsers]))) == [])
        #expect(check(policy((.objectViewer, [.allUsers])), policy((.objectViewer, [.allAuthenticatedUsers]))).map(\.code)
            == ["access_lost"])
    }

    @Test func customRolesCannotBeJudged() {
        let custom = IAMRole(rawValue: "projects/p-dev/roles/bucketReader")
        let sourceOnly = check(policy((custom, [reader])), policy())
        #expect(sourceOnly == [.roleNotJudged(member: reader, role: custom, source: "data-bucket-dev", target: "archive-bucket-dev")])
        #expect(sourceOnly.first?.description.contains("decant cannot tell what a custom role grants on objects") == true)
        #expect(check(policy((custom, [reader])), policy((custom, [reader]))) == [])
        let onTarget = check(policy((.objectViewer, [reader])), policy((custom, [reader])))
        #expect(onTarget == [.accessNotJudged(member: reader, permissions: [.list, .read], targetRoles: [custom],
                                              source: "data-bucket-dev", target: "archive-bucket-dev")])
    }

    @Test func conditionalSourceGrantsAreNamedNeverCounted() {
        let auditors = member("group:auditors@example.com")
        let source = IAMPolicy(bindings: [IAMBinding(role: .objectViewer, members: [auditors], condition: onlyOnWeekdays)])
        let warnings = check(source, IAMPolicy())
        #expect(warnings == [.conditionalGrantNotCarried(binding: source.bindings[0], source: "data-bucket-dev",
                                                         target: "archive-bucket-dev")])
        #expect(warnings.first?.description == "gs://data-bucket-dev grants roles/storage.objectViewer to group:auditors@example.com"
            + " under condition \"weekdays\"; decant does not copy conditional bindings: grant what is still needed on gs://archive-bucket-dev")
        #expect(check(source, source) == [])
        // An unconditional grant on the target does not stand for the conditional one (it is wider; still named).
        #expect(check(source, policy((.objectViewer, [auditors]))).map(\.code) == ["conditional_grant_not_carried"])
    }

    @Test func deletedPrincipalsAreSkipped() {
        #expect(check(policy((.objectViewer, [member("deleted:user:gone@example.com?uid=1")])), policy()) == [])
    }

    @Test func iamFromSourceClearsTheWarnings() {
        let source = IAMPolicy(bindings: [
            IAMBinding(role: .objectViewer, members: [reader]),
            IAMBinding(role: .objectCreator, members: members("serviceAccount:loader@p-dev.iam.gserviceaccount.com")),
            IAMBinding(role: .objectViewer, members: members("group:auditors@example.com"), condition: onlyOnWeekdays),
        ])
        let newBucket = IAMPolicy.newBucket(project: "p-dev", uniformAccess: true)
        let without = IAMPolicyDiff.between(declared: BucketAccess().resolved(sources: [source]).bindings, observed: newBucket)
        #expect(check(source, without.policy).map(\.code) == ["access_lost", "access_lost", "conditional_grant_not_carried"])
        let with = IAMPolicyDiff.between(declared: BucketAccess(fromSource: true).resolved(sources: [source]).bindings,
                                         observed: newBucket)
        #expect(check(source, with.policy).map(\.code) == ["conditional_grant_not_carried"])
    }

    /// Saved plans carry warnings: every case survives JSON.
    @Test func warningsRoundTripThroughJSON() throws {
        let warnings: [AccessWarning] = [
            .accessLost(member: reader, permissions: [.list, .read], roles: [.objectViewer], source: "s", target: "t"),
            .accessNotJudged(member: reader, permissions: [.create], targetRoles: [IAMRole(rawValue: "projects/p-dev-1/roles/r")],
                             source: "s", target: "t"),
            .roleNotJudged(member: reader, role: IAMRole(rawValue: "roles/storage.insightsCollectorService"), source: "s", target: "t"),
            .conditionalGrantNotCarried(binding: IAMBinding(role: .objectViewer, members: [reader], condition: onlyOnWeekdays),
                                        source: "s", target: "t"),
            .projectGrantsNotVisible, .sourceObjectACLs(source: "s"), .targetObjectACLs(target: "t"),
        ]
        let decoded = try JSONDecoder().decode([AccessWarning].self, from: try JSONEncoder().encode(warnings))
        #expect(decoded == warnings)
        #expect(Set(warnings.map(\.code)).count == warnings.count)
    }

    @Test func objectACLWarnings() {
        let both = AccessContinuity.objectACLWarnings(source: "s", sourceUniformAccess: false, target: "t", targetUniformAccess: false)
        #expect(both == [.sourceObjectACLs(source: "s"), .targetObjectACLs(target: "t")])
        #expect(both.map(\.description) == [
            "gs://s does not use uniform bucket-level access: per-object ACLs do not follow the copies",
            "gs://t has `uniform_access: false`: copies get its default object ACL, not the ACLs of the source objects",
        ])
        #expect(AccessContinuity.objectACLWarnings(source: "s", sourceUniformAccess: nil, target: "t", targetUniformAccess: nil)
            == [.sourceObjectACLs(source: "s")])
        #expect(AccessContinuity.objectACLWarnings(source: "s", sourceUniformAccess: true, target: "t", targetUniformAccess: true) == [])
        #expect(AccessWarning.projectGrantsNotVisible.code == "project_grants_not_visible")
        #expect(AccessWarning.projectGrantsNotVisible.bucket == nil)
    }
}
