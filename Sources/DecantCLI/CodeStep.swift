import DecantCodeRefs
import DecantCore
import DecantEngine
import DecantPlanFile
import Foundation

/// The code side of planning, wired: resolve `code.root` and the other environments'
/// buckets, then let `CodeSurvey` (DecantEngine) scan and plan the rewrites.
enum CodeStep {
    static func findings(_ plan: Plan, workspace: Workspace) async throws -> CodeFindings? {
        guard let code = plan.code else { return nil }
        let root = workspace.context.resolve(code.root)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandError("code.root \(code.root) (\(root)) is not a folder")
        }
        return try await CodeSurvey.findings(plan, root: root, otherEnvironmentBuckets: otherEnvironmentBuckets(plan, workspace: workspace))
    }

    /// The literal source bucket of every other environment, so that a hard-coded
    /// `gs://data-bucket-stg/...` is recognised (and attributed to stg) in a dev scan.
    static func otherEnvironmentBuckets(_ plan: Plan, workspace: Workspace) -> [String: String] {
        let (environments, _) = PlanLoader.validate(directory: workspace.plansDirectory, environment: nil)
        var out: [String: String] = [:]
        for environment in environments where environment != plan.environment {
            guard let other = PlanLoader.load(directory: workspace.plansDirectory, environment: environment).plan else { continue }
            let sources = Set(other.migrations.map(\.source.bucket))
            if sources.count == 1, let bucket = sources.first { out[environment] = bucket }
        }
        return out
    }

    /// Writes an edit atomically, refusing a file changed since planning.
    static let writer: CodeEditWriter = { edit, root in try CodeFiles.apply(edit, root: root) }
}
