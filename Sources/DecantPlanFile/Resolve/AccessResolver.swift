import DecantCore

/// A bucket's `iam:`, `iam_from_source:` and `allow_public:` keys:
///
/// ```yaml
/// iam:
///   roles/storage.objectViewer: ["serviceAccount:airflow@${project}.iam.gserviceaccount.com"]
/// iam_from_source: true
/// ```
///
/// Roles and members are interpolated, then checked as IAM would check them; a public
/// member (`allUsers`, `allAuthenticatedUsers`) also needs the bucket's
/// `public_access_prevention: inherited` and `allow_public: true`.
struct AccessResolver {
    let reader: ValueReader
    var bag: DiagnosticBag { reader.bag }

    /// The bucket keys this resolver reads.
    static let keys = ["iam", "iam_from_source", "allow_public"]

    /// Nil when the bucket writes none of the keys (its IAM policy is not managed).
    func access(_ fields: Fields, bucketName: String, publicAccessPrevention: String?) -> BucketAccess? {
        guard Self.keys.contains(where: { fields[$0] != nil }) else { return nil }
        let fromSource = fields["iam_from_source"].flatMap { reader.bool($0, fields.child("iam_from_source")) } ?? false
        let allowPublic = fields["allow_public"].flatMap { reader.bool($0, fields.child("allow_public")) } ?? false
        let bindings = fields["iam"].map {
            self.bindings($0, fields.child("iam"), bucketName: bucketName,
                          publicAllowed: publicAccessPrevention == "inherited" && allowPublic,
                          missing: [publicAccessPrevention == "inherited" ? nil : "`public_access_prevention: inherited`",
                                    allowPublic ? nil : "`allow_public: true`"].compactMap { $0 })
        } ?? []
        return BucketAccess(bindings: bindings, fromSource: fromSource, allowPublic: allowPublic)
    }

    private func bindings(_ node: YAMLNode, _ path: String, bucketName: String, publicAllowed: Bool,
                          missing: [String]) -> [DeclaredBinding] {
        guard let pairs = node.isNull ? [] : node.pairs else {
            bag.error("`\(path)` must be a mapping of roles to lists of members, got \(node.kindDescription)", at: node.location,
                      hint: "write `roles/storage.objectViewer: [\"serviceAccount:…\"]` under it")
            return []
        }
        var out: [DeclaredBinding] = []
        var roles: [IAMRole: SourceLocation] = [:]
        for pair in pairs {
            // The YAML reader has already reported a key that is not a scalar.
            guard let written = pair.key.scalar,
                  let text = reader.interpolator.apply(written, at: pair.key.location, bag: bag) else { continue }
            let rolePath = "\(path).\(written)"
            if let problem = IAMRole.problem(text) {
                bag.error("`\(path)`: \(problem.description)", at: pair.key.location, hint: problem.hint)
                continue
            }
            let role = IAMRole(rawValue: text)
            if let typo = IAMRole.likelyTypo(text) {
                bag.warning("`\(path)`: `\(text)` is not a role decant knows", at: pair.key.location,
                            hint: "did you mean `\(typo)`?")
            }
            if let first = roles[role] {
                bag.error("`\(path)`: role `\(text)` is listed twice (first at \(first))", at: pair.key.location,
                          hint: "list each role once, with all its members")
                continue
            }
            roles[role] = pair.key.location
            guard let items = pair.value.items else {
                _ = reader.stringList(pair.value, rolePath)
                continue
            }
            var members: [IAMMember: SourceLocation] = [:]
            // Item by item, so that one bad entry does not hide the others.
            for (index, item) in items.enumerated() {
                guard let text = reader.string(item, "\(rolePath)[\(index)]") else { continue }
                let location = item.location
                if let problem = IAMMember.problem(text) {
                    bag.error("`\(rolePath)[\(index)]`: \(problem.description)", at: location, hint: problem.hint)
                    continue
                }
                let member = IAMMember(rawValue: text)
                if let first = members[member.canonical] {
                    bag.error("`\(rolePath)`: `\(text)` is listed twice (first at \(first))", at: location,
                              hint: "email addresses are compared without regard to case")
                    continue
                }
                if member.isPublic, !publicAllowed {
                    bag.error("`\(rolePath)`: `\(text)` would make gs://\(bucketName) public", at: location,
                              hint: "to allow it, set " + missing.joined(separator: " and ") + " on the bucket")
                    continue
                }
                members[member.canonical] = location
            }
            out.append(DeclaredBinding(role: role, members: Array(members.keys)))
        }
        return out
    }
}

extension PlanChecks {
    /// `iam_from_source: true` on a bucket that no migration of this environment
    /// writes to has no source to start from.
    func accessSources(buckets: [BucketResolver.Resolved], migrations: [MigrationResolver.Resolved]) {
        let targets = Set(migrations.compactMap(\.migration.targetBucketKey))
        for bucket in buckets where bucket.spec.access?.fromSource == true && !targets.contains(bucket.spec.key) {
            bag.warning("bucket `\(bucket.spec.key)` has `iam_from_source: true` but no migration of environment `\(environment)` copies into it",
                        at: bucket.accessFromSourceLocation ?? bucket.spec.origin,
                        hint: "its policy is then only what `iam:` declares")
        }
    }
}
