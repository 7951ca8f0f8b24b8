import DecantCore
import Testing

@Suite struct IAMMemberTests {
    @Test(arguments: [
        "user:ana@example.com", "group:data-eng@example.com",
        "serviceAccount:airflow@p-dev.iam.gserviceaccount.com", "serviceAccount:123-compute@developer.gserviceaccount.com",
        "domain:example.com", "projectOwner:p-dev-123", "projectEditor:example.com:my-project", "projectViewer:123456789",
        "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo:org/r:ref:refs/heads/main",
        "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/org/r",
        "allUsers", "allAuthenticatedUsers",
    ])
    func validMembers(_ text: String) throws {
        #expect(IAMMember.problem(text) == nil)
        #expect(try IAMMember(validating: text).rawValue == text)
    }

    @Test func invalidMembersSayWhy() {
        let cases: [(String, IAMMemberProblem)] = [
            ("", .empty),
            ("user: ana@example.com", .whitespace("user: ana@example.com")),
            ("ana@example.com", .noKind("ana@example.com")),
            ("serviceaccount:a@p.iam.gserviceaccount.com", .unknownKind("serviceaccount", suggestion: "serviceAccount")),
            ("usr:ana@example.com", .unknownKind("usr", suggestion: "user")),
            ("everyone", .unknownKind("everyone", suggestion: nil)),
            ("alluser", .unknownKind("alluser", suggestion: "allUsers")),
            ("group:", .missingValue(.group)),
            ("allUsers:x", .unexpectedValue(.allUsers)),
            ("user:ana", .notAnEmail(.user, "ana")),
            ("user:ana@localhost", .notAnEmail(.user, "ana@localhost")),
            ("serviceAccount:bot@example.com", .notAServiceAccount("bot@example.com")),
            ("domain:-bad.com", .notADomain("-bad.com")),
            ("projectOwner:P_DEV", .notAProject(.projectOwner, "P_DEV")),
            ("projectViewer:abc", .notAProject(.projectViewer, "abc")),
            ("principal:iam.googleapis.com/x", .notAPrincipalIdentifier(.principal, "iam.googleapis.com/x")),
            ("deleted:user:ana@example.com?uid=1", .deleted("deleted:user:ana@example.com?uid=1")),
        ]
        for (text, problem) in cases {
            #expect(IAMMember.problem(text) == problem, "\(text)")
            #expect(throws: problem) { try IAMMember(validating: text) }
        }
        #expect(IAMMemberProblem.noKind("a@b.com").hint == "write `user:a@b.com`, `group:a@b.com` or `serviceAccount:a@b.com`")
        #expect(IAMMemberProblem.unknownKind("usr", suggestion: "user").hint == "did you mean `user:`?")
        #expect(IAMMemberProblem.notAServiceAccount("bot@example.com").description
            == "`serviceAccount:bot@example.com`: a service account's email ends in `gserviceaccount.com`")
    }

    @Test func kindsValuesAndCanonicalForms() {
        let sa = IAMMember(rawValue: "serviceAccount:Airflow@P.iam.gserviceaccount.com")
        #expect(sa.kind == .serviceAccount)
        #expect(sa.value == "Airflow@P.iam.gserviceaccount.com")
        #expect(sa.canonical.rawValue == "serviceAccount:airflow@p.iam.gserviceaccount.com")
        #expect(IAMMember(rawValue: "projectOwner:P").canonical.rawValue == "projectOwner:P")
        #expect(IAMMember.allUsers.isPublic && IAMMember.allAuthenticatedUsers.isPublic)
        #expect(IAMMember.allUsers.value == nil)
        #expect(!IAMMember(rawValue: "user:a@b.com").isPublic)
        #expect(IAMMember(rawValue: "deleted:serviceAccount:x@p.iam.gserviceaccount.com?uid=1").kind == .deleted)
        #expect(IAMMember(rawValue: "somethingNew:x").kind == nil)
        #expect(IAMMember(rawValue: "allUsers:x").kind == nil)
    }
}

@Suite struct IAMRoleTests {
    @Test(arguments: ["roles/storage.objectViewer", "roles/viewer", "roles/storage.insightsCollectorService",
                      "projects/p-dev-123/roles/bucketReader", "organizations/1234/roles/custom.reader_2"])
    func validRoles(_ text: String) {
        #expect(IAMRole.problem(text) == nil)
    }

    @Test func invalidRolesSayWhy() {
        let cases: [(String, IAMRoleProblem)] = [
            ("", .empty),
            ("storage.objectViewer", .missingRolesPrefix("storage.objectViewer", suggested: "roles/storage.objectViewer")),
            ("objectViewer", .malformed("objectViewer")),
            ("roles/", .badName("roles/", name: "")),
            ("roles/storage object", .badName("roles/storage object", name: "storage object")),
            ("projects/P/roles/reader", .badProject("projects/P/roles/reader", project: "P")),
            ("projects/p-dev-123/roles/r", .badName("projects/p-dev-123/roles/r", name: "r")),
            ("organizations/acme/roles/reader", .badOrganization("organizations/acme/roles/reader", organization: "acme")),
            ("roles/storage/objectViewer", .malformed("roles/storage/objectViewer")),
        ]
        for (text, problem) in cases {
            #expect(IAMRole.problem(text) == problem, "\(text)")
        }
        #expect(IAMRoleProblem.missingRolesPrefix("storage.objectViewer", suggested: "roles/storage.objectViewer").hint
            == "did you mean `roles/storage.objectViewer`?")
    }

    /// The Cloud Storage IAM reference, role by role: what each lets its holders do with objects.
    @Test(arguments: [
        ("roles/storage.objectViewer", ObjectPermissions([.list, .read])),
        ("roles/storage.objectCreator", [.create]),
        ("roles/storage.objectUser", [.list, .read, .create, .delete]),
        ("roles/storage.objectAdmin", [.list, .read, .create, .delete]),
        ("roles/storage.admin", [.list, .read, .create, .delete]),
        ("roles/storage.legacyBucketReader", [.list]),
        ("roles/storage.legacyBucketWriter", [.list, .create, .delete]),
        ("roles/storage.legacyBucketOwner", [.list, .create, .delete]),
        ("roles/storage.legacyObjectReader", [.read]),
        ("roles/storage.legacyObjectOwner", [.read]),
        ("roles/viewer", [.list, .read]),
        ("roles/editor", [.list, .read, .create, .delete]),
        ("roles/owner", [.list, .read, .create, .delete]),
    ] as [(String, ObjectPermissions)])
    func predefinedRoleMeaning(_ role: String, _ permissions: ObjectPermissions) {
        #expect(IAMRole(rawValue: role).objectAccess == .grants(permissions))
        #expect(!IAMRole(rawValue: role).isCustom)
    }

    @Test func readAndWriteInTheWideSense() {
        #expect(IAMRole.legacyBucketReader.objectAccess == .grants([.list]))
        #expect(ObjectPermissions([.list]).readsObjects && !ObjectPermissions([.list]).writesObjects)
        #expect(ObjectPermissions([.create]).writesObjects && !ObjectPermissions([.create]).readsObjects)
        #expect(ObjectPermissions.all.description == "list, read, create or delete")
        #expect(ObjectPermissions([.read]).description == "read")
        #expect(ObjectPermissions([.list, .read]).description == "list or read")
    }

    @Test func customAndUnlistedRolesCannotBeJudged() {
        #expect(IAMRole(rawValue: "projects/p-dev-123/roles/reader").objectAccess == .unknown)
        #expect(IAMRole(rawValue: "projects/p-dev-123/roles/reader").isCustom)
        #expect(IAMRole(rawValue: "organizations/1/roles/reader").objectAccess == .unknown)
        #expect(IAMRole(rawValue: "roles/storage.insightsCollectorService").objectAccess == .unknown)
    }

    @Test func likelyTypos() {
        #expect(IAMRole.likelyTypo("roles/storage.objectViwer") == .objectViewer)
        #expect(IAMRole.likelyTypo("roles/storage.objectViewer") == nil)
        #expect(IAMRole.likelyTypo("roles/storage.insightsCollectorService") == nil)
        #expect(IAMRole.likelyTypo("projects/p-dev-123/roles/objectViewer") == nil)
    }
}

@Suite struct IAMPolicyRefusalTests {
    /// Stores judge shape only: whatever a store handed out can be written back.
    @Test func aPolicyAsAStoreGaveItCanBeWrittenBack() {
        let observed = IAMPolicy(bindings: [
            IAMBinding(role: .legacyBucketOwner, members: [IAMMember(rawValue: "projectOwner:test")]),
            IAMBinding(role: .objectViewer, members: [IAMMember(rawValue: "deleted:serviceAccount:x@p.iam.gserviceaccount.com?uid=1"),
                                                      .allUsers, IAMMember(rawValue: "principal://goog/subject/ana@example.com")]),
        ])
        #expect(observed.refusal == nil)
    }

    @Test func shapesIAMWouldRefuse() {
        func refusal(_ role: String, _ member: String) -> String? {
            IAMPolicy(bindings: [IAMBinding(role: IAMRole(rawValue: role), members: [IAMMember(rawValue: member)])]).refusal
        }
        #expect(refusal("roles/storage.objectViewer", "ana@example.com") == "`ana@example.com` is not an IAM member")
        #expect(refusal("roles/storage.objectViewer", "user:") == "`user:` is not an IAM member")
        #expect(refusal("roles/storage.objectViewer", "user:a b@example.com") == "`user:a b@example.com` is not an IAM member")
        #expect(refusal("roles/storage.objectViewer", "robot:x") == "`robot:x` is not an IAM member")
        #expect(refusal("objectViewer", "user:a@example.com") == "`objectViewer` is not a role")
    }
}
