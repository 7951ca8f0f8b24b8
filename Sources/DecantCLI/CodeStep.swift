import DecantCodeRefs
import DecantCore
import DecantEngine
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
        return try await CodeSurvey.findings(plan, root: root, otherEnvironmentBuckets: workspace.plans.sourceBuckets(except: plan.environment))
    }

    /// Writes an edit atomically, refusing a file changed since planning.
    static let writer: CodeEditWriter = { edit, root in try CodeFiles.apply(edit, root: root) }
}
