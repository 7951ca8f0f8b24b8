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
    }

    /// `migrations` are all of the plan's (not only the selected ones): a bucket's
    /// `iam_from_source` starts from every bucket copied into it, whatever `--target`
    /// selects, so that a narrower selection never plans the removal of a source grant.
    func plan(buckets: [BucketSpec], migrations: [Migration], observed: [String: BucketInfo?],
              project: String?) async throws -> Outcome {
        var out = Outcome()
        var policies: [String: IAMPolicy] = [:]
        func policy(of bucket: String) async throws -> IAMPolicy {
            if let known = policies[bucket] { return known }
            let read = try await store.bucketIAMPolicy(bucket)
            policies[bucket] = read
            return read
        }
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
                current = try await policy(of: spec.name)
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
                    if sourceInfo != nil { sources.append(try await policy(of: name)) }
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
        }
        return out
    }
}
