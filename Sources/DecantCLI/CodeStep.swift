import DecantCore
import DecantEngine

/// The code side of planning: scan the code root for references and plan the
/// rewrites, when the plan has a `code:` section.
enum CodeStep {
    static func findings(_ plan: Plan, workspace: Workspace) throws -> CodeFindings? {
        guard plan.code != nil else { return nil }
        // Never ignore a `code:` section silently: deletions are gated on the scan.
        throw CommandError("`code:` is set but this build of decant cannot scan code yet; remove `code:` to plan without the code gate")
    }

    static let writer: CodeEditWriter? = nil
}
