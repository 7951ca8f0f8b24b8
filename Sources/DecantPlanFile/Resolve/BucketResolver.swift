import DecantCore

/// `buckets:` entries for one environment.
struct BucketResolver {
    let reader: ValueReader
    let environment: String
    let declaredEnvironments: [String]
    let policies: [String: [LifecycleRule]?]
    var bag: DiagnosticBag { reader.bag }

    static let keys = ["name"] + BucketSettings.Field.allCases.map(\.rawValue)
        + ["code_ref", "preserve_age", "project", "environments"] + AccessResolver.keys

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
        var policyName: String?
        for field in BucketSettings.Field.allCases {
            guard let node = fields[field.rawValue] else { continue }
            let path = fields.child(field.rawValue)
            switch field.kind {
            case .text:
                if let choices = field.choices {
                    settings[field] = reader.choice(node, path, choices).map(BucketSettingValue.text)
                } else {
                    // Locations are compared and written back in upper case.
                    settings[field] = reader.string(node, path).map { .text(field == .location ? $0.uppercased() : $0) }
                }
            case .storageClass: settings[field] = reader.storageClass(node, path).map(BucketSettingValue.storageClass)
            case .flag: settings[field] = reader.bool(node, path).map(BucketSettingValue.flag)
            case .seconds:
                guard let duration = reader.duration(node, path) else { continue }
                checkBounds(field, duration, path, node)
                settings[field] = .seconds(duration.seconds)
            case .labels: settings.labels = labels(node, path)
            case .lifecycle:
                // Inline rules, or the name of one of `lifecycle_policies`.
                if node.items != nil {
                    settings.lifecycle = LifecycleResolver(reader: reader).rules(node, path)
                } else if let policy = reader.string(node, path) {
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

    /// What GCS accepts of a duration setting.
    private func checkBounds(_ field: BucketSettings.Field, _ duration: DurationSpec, _ path: String, _ node: YAMLNode) {
        switch field {
        case .retentionPeriod where duration.seconds > 3_155_760_000:
            bag.error("`\(path)` may be at most 100 years", at: node.location)
        case .softDelete where duration.seconds != 0 && !(7 * 86_400...90 * 86_400).contains(duration.seconds):
            bag.error("`\(path)` must be 0 (off) or between 7d and 90d, got `\(duration.text)`", at: node.location)
        default:
            break
        }
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
