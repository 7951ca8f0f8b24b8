import DecantCore

/// `buckets:` entries for one environment.
struct BucketResolver {
    let reader: ValueReader
    let environment: String
    let declaredEnvironments: [String]
    let policies: [String: [LifecycleRule]?]
    var bag: DiagnosticBag { reader.bag }

    static let keys = ["name", "location", "storage_class", "lifecycle", "labels", "versioning", "uniform_access",
                       "public_access_prevention", "retention_period", "soft_delete", "autoclass", "code_ref",
                       "preserve_age", "project", "environments"] + AccessResolver.keys

    /// A bucket as resolved, with what the plan-wide checks need to know about how it was written.
    struct Resolved {
        var spec: BucketSpec
        var lifecycleLocation: SourceLocation?
        /// `preserve_age:` was written (either way): the age warning is then not repeated.
        var preserveAgeWritten: Bool
        var accessFromSourceLocation: SourceLocation? = nil
    }

    /// Letters, digits, `-` and `_`: a key is the first segment of a migration's target.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    enum Outcome {
        /// Not part of this environment (its `environments:` leaves it out).
        case absent
        /// Wrong, and reported: whatever refers to it stays quiet.
        case failed
        case resolved(Resolved)
    }

    func resolve(_ entry: PlanDocument.Entry) -> Outcome {
        let path = "buckets.\(entry.name)"
        if !Self.isValidKey(entry.name) {
            bag.error("bucket key `\(entry.name)` may contain only letters, digits, `-` and `_`", at: entry.key.location)
            return .failed
        }
        guard let fields = Fields(entry.value, path: path, known: Self.keys, anchor: entry.key.location, bag: bag) else { return .failed }
        if let only = EnvironmentResolver.restriction(fields["environments"], path: fields.child("environments"),
                                                      declared: declaredEnvironments, reader: reader),
           !only.contains(environment) {
            return .absent
        }
        let errorsBefore = bag.items.errors.count
        var failed = false

        var name: String?
        let nameLocation = fields["name"]?.location ?? entry.key.location
        if let node = fields["name"] {
            name = reader.string(node, fields.child("name"))
        } else {
            name = "\(entry.name)-bucket-\(environment)"
        }
        if let name {
            let problems = BucketName.problems(name)
            if !problems.isEmpty {
                bag.error("bucket `\(entry.name)`: `\(name)` is not a valid GCS bucket name in environment `\(environment)`: "
                          + problems.joined(separator: "; "), at: nameLocation,
                          hint: fields["name"] == nil ? "the default name is `<key>-bucket-${env}`; set `name:`" : nil)
            }
        }

        var settings = BucketSettings()
        settings.location = fields["location"].flatMap { reader.string($0, fields.child("location")) }.map { $0.uppercased() }
        settings.storageClass = fields["storage_class"].flatMap { reader.storageClass($0, fields.child("storage_class")) }
        settings.labels = fields["labels"].flatMap { labels($0, fields.child("labels")) }
        settings.versioning = fields["versioning"].flatMap { reader.bool($0, fields.child("versioning")) }
        settings.uniformAccess = fields["uniform_access"].flatMap { reader.bool($0, fields.child("uniform_access")) }
        settings.autoclass = fields["autoclass"].flatMap { reader.bool($0, fields.child("autoclass")) }
        settings.publicAccessPrevention = fields["public_access_prevention"].flatMap {
            reader.choice($0, fields.child("public_access_prevention"), ["inherited": "inherited", "enforced": "enforced"])
        }
        if let node = fields["retention_period"], let duration = reader.duration(node, fields.child("retention_period")) {
            if duration.seconds > 3_155_760_000 {
                bag.error("`\(fields.child("retention_period"))` may be at most 100 years", at: node.location)
            }
            settings.retentionPeriodSeconds = duration.seconds
        }
        if let node = fields["soft_delete"], let duration = reader.duration(node, fields.child("soft_delete")) {
            if duration.seconds != 0, !(7 * 86_400...90 * 86_400).contains(duration.seconds) {
                bag.error("`\(fields.child("soft_delete"))` must be 0 (off) or between 7d and 90d, got `\(duration.text)`",
                          at: node.location)
            }
            settings.softDeleteSeconds = duration.seconds
        }
        var policyName: String?
        if let node = fields["lifecycle"] {
            if node.items != nil {
                settings.lifecycle = LifecycleResolver(reader: reader).rules(node, fields.child("lifecycle"))
            } else if let policy = reader.string(node, fields.child("lifecycle")) {
                if let found = policies[policy] {
                    if let rules = found {
                        settings.lifecycle = rules
                        policyName = policy
                    } else {
                        failed = true
                    }
                } else {
                    bag.error("bucket `\(entry.name)`: unknown lifecycle policy `\(policy)`", at: node.location,
                              hint: DiagnosticBag.suggestion(for: policy, among: policies.keys.sorted(), noun: "policies"))
                }
            }
        }
        let preserveAge = fields["preserve_age"].flatMap { reader.bool($0, fields.child("preserve_age")) } ?? false
        let codeRef = fields["code_ref"].flatMap { reader.string($0, fields.child("code_ref")) }
        let project = fields["project"].flatMap { reader.string($0, fields.child("project")) }
        let access = AccessResolver(reader: reader).access(fields, bucketName: name ?? entry.name,
                                                           publicAccessPrevention: settings.publicAccessPrevention)

        guard let name, !failed, bag.items.errors.count == errorsBefore else { return .failed }
        let spec = BucketSpec(key: entry.name, name: name, settings: settings, lifecyclePolicy: policyName,
                              preserveAge: preserveAge, codeRef: codeRef, project: project, access: access,
                              origin: entry.key.location)
        return .resolved(Resolved(spec: spec, lifecycleLocation: fields["lifecycle"]?.location,
                                  preserveAgeWritten: fields["preserve_age"] != nil,
                                  accessFromSourceLocation: fields.keyLocation("iam_from_source")))
    }

    /// GCS labels: keys start with a lowercase letter; keys and values have at most
    /// 63 lowercase letters, digits, `-` and `_`.
    private func labels(_ node: YAMLNode, _ path: String) -> [String: String]? {
        guard let pairs = node.pairs else {
            bag.error("`\(path)` must be a mapping, got \(node.kindDescription)", at: node.location)
            return nil
        }
        func valid(_ text: String) -> Bool {
            text.utf8.count <= 63 && text.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
        }
        var out: [String: String] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar, let value = reader.string(pair.value, "\(path).\(key)") else { continue }
            if key.isEmpty || !valid(key) || !(key.unicodeScalars.first.map { ("a"..."z").contains($0) } ?? false) {
                bag.error("label key `\(key)` must start with a lowercase letter and have at most 63 lowercase letters, digits, `-` and `_`",
                          at: pair.key.location)
            } else if !valid(value) {
                bag.error("label value `\(value)` of `\(key)` may have at most 63 lowercase letters, digits, `-` and `_`",
                          at: pair.value.location)
            } else {
                out[key] = value
            }
        }
        return out
    }
}
