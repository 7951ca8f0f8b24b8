import DecantCodeRefs
import DecantCore
import Foundation

/// The code side of planning, applying and analysis in one place: `plan` and
/// `analyze` scan the code root through here (the scanner, the project-wide
/// resolution of constants, parameters and launchers, and for `plan` the rewrite),
/// and `apply` and `rollback` write the planned edits with its `writer`.
public enum CodeSurvey {
    /// For `plan`: every reference to the plan's source buckets under `root` (the
    /// plan's `code.root`, resolved to an absolute path), the files skipped, and the
    /// rewrites of the migrations with `rewrite_code: true`. Nil without a `code:` section.
    public static func findings(_ plan: Plan, root: String, otherEnvironmentBuckets: [String: String] = [:]) async throws -> CodeFindings? {
        guard let code = plan.code else { return nil }
        let options = CodeScanOptions(code: code, root: root, environment: plan.environment,
                                      otherEnvironmentBuckets: otherEnvironmentBuckets)
        let scan = try await CodeScanner.scan(options, migrations: plan.migrations)
        let rewrites = try await CodeRewriter.plan(scan, plan: plan, root: root)
        return CodeFindings(filesScanned: scan.filesScanned, references: scan.references, unplaced: scan.unresolved,
                            edits: rewrites.edits, unrewritable: rewrites.unrewritable, skipped: scan.skipped,
                            outsideRoot: scan.outsideRoot)
    }

    /// For `analyze`: the references to the analysed bucket (no migration yet).
    static func scan(_ options: CodeScanOptions) async throws -> CodeScan {
        try await CodeScanner.scan(options, migrations: [])
    }

    /// For `apply` and `rollback`: writes an edit atomically, refusing a file changed
    /// since planning (and a link, and a path outside `root`).
    public static let writer: CodeEditWriter = { edit, root in try CodeFiles.apply(edit, root: root) }
}
