import DecantCore

/// Lifecycle rules: exactly one action key and a `when:` with at least one
/// condition, as GCS requires.
struct LifecycleResolver {
    let reader: ValueReader
    var bag: DiagnosticBag { reader.bag }

    static let actionKeys = ["set_storage_class", "delete", "abort_incomplete_multipart_upload"]
    static let conditionKeys = ["age_days", "created_before", "custom_time_before", "days_since_custom_time",
                                "days_since_noncurrent_time", "is_live", "matches_prefix", "matches_suffix",
                                "matches_storage_class", "noncurrent_time_before", "num_newer_versions"]
    /// GCS accepts only these conditions with AbortIncompleteMultipartUpload.
    static let abortConditionKeys = ["age_days", "matches_prefix", "matches_suffix"]

    /// The policies of `lifecycle_policies:`, by name; nil rules for a policy with
    /// mistakes (already reported), so that buckets using it do not report it again.
    func policies(_ document: PlanDocument) -> [String: [LifecycleRule]?] {
        var out: [String: [LifecycleRule]?] = [:]
        for entry in document.entries("lifecycle_policies") {
            out[entry.name] = .some(rules(entry.value, "lifecycle_policies.\(entry.name)"))
        }
        return out
    }

    /// A list of rules; nil when any rule is wrong (each mistake reported).
    func rules(_ node: YAMLNode, _ path: String) -> [LifecycleRule]? {
        guard let items = node.items else {
            bag.error("`\(path)` must be a list of rules, got \(node.kindDescription)", at: node.location)
            return nil
        }
        var out: [LifecycleRule] = []
        var ok = true
        for (index, item) in items.enumerated() {
            if let rule = rule(item, "\(path)[\(index)]") { out.append(rule) } else { ok = false }
        }
        return ok ? out : nil
    }

    func rule(_ node: YAMLNode, _ path: String) -> LifecycleRule? {
        guard let fields = Fields(node, path: path, known: Self.actionKeys + ["when"], bag: bag) else { return nil }
        let given = Self.actionKeys.filter { fields[$0] != nil }
        guard given.count == 1, let actionKey = given.first, let actionNode = fields[actionKey] else {
            if given.isEmpty {
                bag.error("`\(path)` has no action", at: node.location,
                          hint: "give one of `set_storage_class: COLDLINE`, `delete: true`, `abort_incomplete_multipart_upload: true`")
            } else {
                bag.error("`\(path)` has \(given.count) actions (" + given.map { "`\($0)`" }.joined(separator: ", ") + "); a rule has one",
                          at: node.location, hint: "split it into one rule per action")
            }
            return nil
        }
        var action: LifecycleRule.Action?
        switch actionKey {
        case "set_storage_class":
            action = reader.storageClass(actionNode, fields.child(actionKey)).map { .setStorageClass($0) }
        default:
            if let value = reader.bool(actionNode, fields.child(actionKey)) {
                if value {
                    action = actionKey == "delete" ? .delete : .abortIncompleteMultipartUpload
                } else {
                    bag.error("`\(fields.child(actionKey)): false` is not an action", at: actionNode.location,
                              hint: "write `\(actionKey): true`, or remove the rule")
                }
            }
        }
        guard let whenNode = fields.required("when", bag: bag) else { return nil }
        guard let condition = condition(whenNode, fields.child("when"), abort: actionKey == "abort_incomplete_multipart_upload"),
              let action else { return nil }
        return LifecycleRule(action: action, condition: condition)
    }

    private func condition(_ node: YAMLNode, _ path: String, abort: Bool) -> LifecycleRule.Condition? {
        guard let fields = Fields(node, path: path, known: Self.conditionKeys, bag: bag) else { return nil }
        guard !fields.pairs.isEmpty else {
            bag.error("`\(path)` needs at least one condition", at: node.location,
                      hint: "e.g. `when: { age_days: 30 }`")
            return nil
        }
        let errorsBefore = bag.items.errors.count
        if abort {
            for pair in fields.pairs {
                guard let key = pair.key.scalar, Self.conditionKeys.contains(key), !Self.abortConditionKeys.contains(key) else { continue }
                bag.error("`\(path).\(key)` cannot be used with `abort_incomplete_multipart_upload`", at: pair.key.location,
                          hint: "GCS allows only `age_days`, `matches_prefix` and `matches_suffix` there")
            }
        }
        var c = LifecycleRule.Condition()
        func days(_ key: String) -> Int? { fields[key].flatMap { reader.int($0, fields.child(key), atLeast: 0) } }
        func day(_ key: String) -> CalendarDay? { fields[key].flatMap { reader.date($0, fields.child(key)) } }
        c.age = days("age_days")
        c.createdBefore = day("created_before")
        c.customTimeBefore = day("custom_time_before")
        c.daysSinceCustomTime = days("days_since_custom_time")
        c.daysSinceNoncurrentTime = days("days_since_noncurrent_time")
        c.isLive = fields["is_live"].flatMap { reader.bool($0, fields.child("is_live")) }
        c.matchesPrefix = fields["matches_prefix"].flatMap { reader.stringList($0, fields.child("matches_prefix"))?.map(\.0) }
        c.matchesSuffix = fields["matches_suffix"].flatMap { reader.stringList($0, fields.child("matches_suffix"))?.map(\.0) }
        if let node = fields["matches_storage_class"], let items = node.items {
            c.matchesStorageClass = items.enumerated().compactMap { reader.storageClass($1, "\(fields.child("matches_storage_class"))[\($0)]") }
        } else if let node = fields["matches_storage_class"] {
            bag.error("`\(fields.child("matches_storage_class"))` must be a list, got \(node.kindDescription)", at: node.location)
        }
        c.noncurrentTimeBefore = day("noncurrent_time_before")
        c.numNewerVersions = days("num_newer_versions")
        return bag.items.errors.count == errorsBefore ? c : nil
    }
}
