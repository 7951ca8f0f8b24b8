import DecantCore
import DecantStorage

/// The access side of a plan: for each bucket that declares `iam:` (or
/// `iam_from_source:`), the observed policy against the declared roles, and a
/// set_bucket_iam action where they differ. It only reads.
struct AccessPlanning {
    let store: any ObjectStore

    struct Outcome {
        /// By bucket name.
        var plans: [String: BucketAccessPlan] = [:]
        var actions: [Action] = []
        var diagnostics: [Diagnostic] = []
        /// Policies read, by bucket.
        var observed: [String: IAMPolicy] = [:]
        /// The policy each declared bucket has once the plan is applied.
        var after: [String: IAMPolicy] = [:]
    }

    /// `migrations` are all of the plan's (not only the selected ones): a bucket's
    /// `iam_from_source` starts from every bucket copied into it, whatever `--target`
    /// selects, so that a narrower selection never plans the removal of a source grant.
    func plan(buckets: [BucketSpec], migrations: [Migration], observed: [String: BucketInfo?],
              project: String?) async throws -> Outcome {
        var out = Outcome()
        for spec in buckets {
            guard let access = spec.access else { continue }
            guard store.capabilities.iamPolicies else {
                out.plans[spec.name] = BucketAccessPlan(status: .notObservable)
                out.diagnostics.append(.warning(
                    "bucket \(spec.name) declares `iam:` but this store keeps no IAM policies: its access is neither planned nor applied",
                    at: spec.origin, hint: "plan against GCS (or a store that keeps bucket IAM policies) to manage access"))
                continue
            }
            let exists = (observed[spec.name] ?? nil) != nil
            let current: IAMPolicy
            if exists {
                current = try await cachedPolicy(spec.name, &out)
            } else {
                // Created by this plan: the policy the store gives a new bucket, without an etag.
                let given = store.capabilities.iamNewBucketPolicy
                    ? IAMPolicy.newBucket(project: spec.project ?? project, uniformAccess: spec.effectiveSettings.uniformAccess == true)
                    : IAMPolicy()
                current = IAMPolicy(version: given.version, bindings: given.bindings, etag: nil)
            }
            var sources: [IAMPolicy] = []
            if access.fromSource {
                let names = Set(migrations.filter { $0.target.bucket == spec.name }.map(\.source.bucket))
                for name in names.sorted() where name != spec.name {
                    let sourceInfo: BucketInfo?
                    if let seen = observed[name] { sourceInfo = seen } else { sourceInfo = try await store.getBucket(name) }
                    if sourceInfo != nil { sources.append(try await cachedPolicy(name, &out)) }
                }
            }
            let resolved = access.resolved(sources: sources)
            let diff = IAMPolicyDiff.between(declared: resolved.bindings, observed: current)
            var plan = BucketAccessPlan(status: diff.isEmpty ? .inSync : .change, changes: diff.changes,
                                        untouchedConditional: diff.untouchedConditional,
                                        sourceConditional: resolved.sourceConditionalBindings,
                                        sourceDeleted: resolved.sourceDeletedMembers, etag: current.etag)
            if !diff.isEmpty {
                out.actions.append(Action(
                    id: ActionID("set_bucket_iam", spec.name), kind: .setBucketIAM, bucket: spec.name,
                    reason: .accessDiffers(changes: diff.changes),
                    dependsOn: exists ? [] : [ActionID("create_bucket", spec.name)],
                    payload: .bucketIAM(BucketIAMChange(bucket: spec.name, observed: current, policy: diff.policy,
                                                        changes: diff.changes))))
            }
            if !store.capabilities.iamEtags, !diff.isEmpty {
                plan.etag = nil
                out.diagnostics.append(.warning(
                    "bucket \(spec.name): this store keeps IAM policies without etags; apply compares the policy's grants with the planned ones just before setting it"))
            }
            out.plans[spec.name] = plan
            out.after[spec.name] = diff.policy
        }
        return out
    }

    /// The access check of each migration (`AccessContinuity`): who holds object
    /// access on the source at bucket level and would not on the target once the plan
    /// is applied, and object ACLs that do not follow the copies. Returns the warnings
    /// in migration order and the notes said once per plan.
    func continuity(_ migrations: [Migration], plan: Plan, observed: [String: BucketInfo?],
                    outcome: inout Outcome) async throws -> (perMigration: [[AccessWarning]], notes: [AccessWarning]) {
        guard !migrations.isEmpty else { return ([], []) }
        let keepsPolicies = store.capabilities.iamPolicies
        var perMigration: [[AccessWarning]] = []
        for migration in migrations {
            let source = migration.source.bucket, target = migration.target.bucket
            let targetSpec = plan.bucket(named: target)
            let sourceInfo = observed[source] ?? nil, targetInfo = observed[target] ?? nil
            var warnings: [AccessWarning] = []
            if keepsPolicies, sourceInfo != nil, source != target {
                let sourcePolicy = try await cachedPolicy(source, &outcome)
                let targetPolicy: IAMPolicy
                if let after = outcome.after[target] {
                    targetPolicy = after
                } else if targetInfo != nil {
                    targetPolicy = try await cachedPolicy(target, &outcome)
                } else if store.capabilities.iamNewBucketPolicy {
                    targetPolicy = IAMPolicy.newBucket(project: targetSpec?.project ?? plan.storageProject,
                                                       uniformAccess: targetSpec?.effectiveSettings.uniformAccess == true)
                } else {
                    targetPolicy = IAMPolicy()
                }
                warnings += AccessContinuity.check(source: source, sourcePolicy: sourcePolicy, target: target, targetPolicy: targetPolicy)
            }
            if sourceInfo != nil, source != target {
                warnings += AccessContinuity.objectACLWarnings(
                    source: source, sourceUniformAccess: sourceInfo?.settings.uniformAccess, target: target,
                    targetUniformAccess: targetSpec?.effectiveSettings.uniformAccess ?? targetInfo?.settings.uniformAccess)
            }
            perMigration.append(warnings)
        }
        return (perMigration, [keepsPolicies ? .projectGrantsNotVisible : .storeKeepsNoPolicies])
    }

    private func cachedPolicy(_ bucket: String, _ outcome: inout Outcome) async throws -> IAMPolicy {
        if let known = outcome.observed[bucket] { return known }
        let read = try await store.bucketIAMPolicy(bucket)
        outcome.observed[bucket] = read
        return read
    }
}
