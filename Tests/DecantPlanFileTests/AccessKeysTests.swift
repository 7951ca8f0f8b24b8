import DecantCore
@testable import DecantPlanFile
import Testing

/// `iam:`, `iam_from_source:` and `allow_public:` on a bucket: what they resolve to,
/// and every diagnostic, at its position. `header` is 5 lines, as `PlanText.header`,
/// with project IDs IAM would take (6 to 30 characters).
@Suite struct AccessKeysTests {
    static let header = """
    decant: 1
    environments:
      dev: { project: data-dev-1 }
      stg: { project: data-stg-1 }
    storage: { provider: local, root: store }

    """

    func load(_ body: String, env: String = "dev") -> (plan: Plan?, diagnostics: [Diagnostic]) {
        PlanText.load(Self.header + body, env: env)
    }

    func errors(_ body: String) -> [Diagnostic] { load(body).diagnostics.errors }

    @Test func resolvesRolesMembersAndVariables() throws {
        let (plan, diagnostics) = load("""
        buckets:
          archive:
            iam:
              roles/storage.objectViewer: ["serviceAccount:airflow@${project}.iam.gserviceaccount.com", "user:Ana@Example.com"]
              projects/${project}/roles/bucketReader: ["group:auditors@example.com"]
              roles/storage.objectAdmin: []
            iam_from_source: true
        migrations:
          m: { source: "src-bucket/a/", target: "archive/a/" }
        """)
        #expect(diagnostics.errors == [])
        // The planner plans and applies access: no "not applied yet" warning any more.
        #expect(diagnostics.warnings == [])
        let access = try #require(plan?.bucket(key: "archive")?.access)
        #expect(access == BucketAccess(bindings: [
            DeclaredBinding(role: .objectAdmin, members: []),
            DeclaredBinding(role: .objectViewer, members: members("serviceAccount:airflow@data-dev-1.iam.gserviceaccount.com",
                                                                 "user:ana@example.com")),
            DeclaredBinding(role: IAMRole(rawValue: "projects/data-dev-1/roles/bucketReader"), members: members("group:auditors@example.com")),
        ], fromSource: true, allowPublic: false))
        let stg = PlanText.load(Self.header + """
        buckets:
          archive:
            iam: { "projects/${project}/roles/bucketReader": ["projectViewer:${project}"] }
        """, env: "stg")
        #expect(stg.plan?.bucket(key: "archive")?.access?.bindings
            == [DeclaredBinding(role: IAMRole(rawValue: "projects/data-stg-1/roles/bucketReader"), members: members("projectViewer:data-stg-1"))])
    }

    @Test func withoutTheKeysAccessIsNotManaged() {
        #expect(load("buckets: { archive: { versioning: true } }\n").plan?.bucket(key: "archive")?.access == nil)
        let onlyFlag = load("buckets: { archive: { allow_public: false } }\n")
        #expect(onlyFlag.plan?.bucket(key: "archive")?.access == BucketAccess())
        #expect(onlyFlag.diagnostics.warnings == [])
    }

    @Test func iamMustBeAMappingOfLists() {
        let e = errors("""
        buckets:
          b:
            iam: [roles/storage.objectViewer]
          c:
            iam:
              roles/storage.objectViewer: user:a@example.com
              ? [roles/storage.objectAdmin]
              : []
              roles/storage.objectUser: [{ user: a@example.com }]
        """)
        #expect(e.map(\.position) == ["8:10", "11:35", "12:9", "14:34"])
        #expect(e[2].message == "a mapping key must be a scalar, not a list")
        #expect(e[3].message == "`buckets.c.iam.roles/storage.objectUser[0]` must be a string, got a mapping")
        #expect(e[0].message == "`buckets.b.iam` must be a mapping of roles to lists of members, got a list")
        #expect(e[1].message == "`buckets.c.iam.roles/storage.objectViewer` must be a list, got the string `user:a@example.com`")
        #expect(e[1].hint == "write `[user:a@example.com]` for a list of one")
    }

    @Test func rolesMustLookLikeRoles() {
        let d = load("""
        buckets:
          b:
            iam:
              storage.objectViewer: []
              objectViewer: []
              projects/P/roles/reader: []
              organizations/acme/roles/reader: []
              roles/storage.objectViwer: []
              projects/${project}/roles/reader: []
              projects/data-dev-1/roles/reader: []
              roles/storage.objectAdmin: []
              "roles/storage.objectAdmin": []
        """).diagnostics
        let e = d.errors
        #expect(e.map(\.position) == ["9:7", "10:7", "11:7", "12:7", "15:7", "17:7"])
        #expect(e[0].message == "`buckets.b.iam`: `storage.objectViewer` is not a role name")
        #expect(e[0].hint == "did you mean `roles/storage.objectViewer`?")
        #expect(e[1].message == "`buckets.b.iam`: `objectViewer` is not a role")
        #expect(e[1].hint == "write `roles/NAME`, `projects/PROJECT/roles/NAME` or `organizations/NUMBER/roles/NAME`")
        #expect(e[2].message == "`buckets.b.iam`: `projects/P/roles/reader`: `P` is not a project ID")
        #expect(e[3].message == "`buckets.b.iam`: `organizations/acme/roles/reader`: `acme` is not an organization number")
        #expect(e[4].message == "`buckets.b.iam`: role `projects/data-dev-1/roles/reader` is listed twice (first at plans/plan.yaml:14:7)")
        #expect(e[5].message == "key `roles/storage.objectAdmin` is defined twice in this mapping (first at plans/plan.yaml:16:7)")
        let typo = d.warnings.filter { $0.message.contains("is not a role decant knows") }
        #expect(typo.map(\.position) == ["13:7"])
        #expect(typo.first?.hint == "did you mean `roles/storage.objectViewer`?")
    }

    @Test func everyMemberIsChecked() {
        let e = errors("""
        buckets:
          b:
            iam:
              roles/storage.objectViewer:
                - "ana@example.com"
                - "usr:ana@example.com"
                - "serviceAccount:bot@example.com"
                - "domain:example"
                - "projectViewer:P"
                - "principal:iam.googleapis.com/x"
                - "group:"
                - "allUsers:x"
                - "user:ana@example.com"
                - "user:ANA@example.com"
                - "user:${nope}@example.com"
        """)
        #expect(e.map(\.position) == ["10:11", "11:11", "12:11", "13:11", "14:11", "15:11", "16:11", "17:11", "19:11", "20:11"])
        #expect(e[0].message == "`buckets.b.iam.roles/storage.objectViewer[0]`: `ana@example.com` does not say what kind of principal it is")
        #expect(e[0].hint == "write `user:ana@example.com`, `group:ana@example.com` or `serviceAccount:ana@example.com`")
        #expect(e[1].message == "`buckets.b.iam.roles/storage.objectViewer[1]`: `usr` is not a kind of IAM member")
        #expect(e[1].hint == "did you mean `user:`?")
        #expect(e[2].message.hasSuffix("a service account's email ends in `gserviceaccount.com`"))
        #expect(e[3].message.hasSuffix("`example` is not a domain name"))
        #expect(e[4].message.hasSuffix("`P` is not a project ID or number"))
        #expect(e[5].message.contains("is not a principal identifier"))
        #expect(e[6].message.hasSuffix("`group:` names no one"))
        #expect(e[7].message.hasSuffix("`allUsers` stands alone and takes no value"))
        #expect(e[8].message == "`buckets.b.iam.roles/storage.objectViewer`: `user:ANA@example.com` is listed twice (first at plans/plan.yaml:18:11)")
        #expect(e[9].message == "unknown variable `${nope}` in `user:${nope}@example.com`")
    }

    @Test(arguments: [
        ("public_access_prevention: enforced, allow_public: true", "to allow it, set `public_access_prevention: inherited` on the bucket"),
        ("public_access_prevention: inherited", "to allow it, set `allow_public: true` on the bucket"),
        ("allow_public: false", "to allow it, set `public_access_prevention: inherited` and `allow_public: true` on the bucket"),
    ])
    func publicMembersNeedBothKeys(_ settings: String, _ hint: String) {
        let e = errors("""
        buckets:
          b:
            name: public-site-dev
            \(settings.replacingOccurrences(of: ", ", with: "\n    "))
            iam: { roles/storage.objectViewer: [allUsers, allAuthenticatedUsers] }
        """)
        #expect(e.map(\.message) == ["`buckets.b.iam.roles/storage.objectViewer`: `allUsers` would make gs://public-site-dev public",
                                     "`buckets.b.iam.roles/storage.objectViewer`: `allAuthenticatedUsers` would make gs://public-site-dev public"])
        #expect(e.allSatisfy { $0.hint == hint })
    }

    @Test func publicMembersWithBothKeysAreAllowed() {
        let (plan, diagnostics) = load("""
        buckets:
          b:
            public_access_prevention: inherited
            allow_public: true
            iam: { roles/storage.objectViewer: [allUsers] }
        """)
        #expect(diagnostics.errors == [])
        #expect(plan?.bucket(key: "b")?.access == BucketAccess(bindings: [DeclaredBinding(role: .objectViewer, members: [.allUsers])],
                                                               allowPublic: true))
    }

    @Test func flagsAreBooleansAndKeysAreSuggested() {
        let e = errors("""
        buckets:
          b:
            iam_from_source: yes
            allow_public: "true"
            iam_from_sources: true
        """)
        #expect(e.map(\.position) == ["8:22", "9:19", "10:5"])
        #expect(e[0].hint?.contains("write `true`") == true)
        #expect(e[1].message == "`buckets.b.allow_public` must be a boolean (`true` or `false`), got a quoted string")
        #expect(e[2].message == "unknown key `iam_from_sources` in `buckets.b`")
        #expect(e[2].hint == "did you mean `iam_from_source`?")
    }

    @Test func iamFromSourceWithoutAMigrationIntoTheBucketIsNamed() {
        let w = load("""
        buckets:
          lonely:
            iam_from_source: true
        """).diagnostics.warnings
        #expect(w.map(\.position) == ["8:5"])
        #expect(w.map(\.message).contains("bucket `lonely` has `iam_from_source: true` but no migration of environment `dev` copies into it"))
    }
}

private func members(_ texts: String...) -> [IAMMember] { texts.map(IAMMember.init(rawValue:)) }
