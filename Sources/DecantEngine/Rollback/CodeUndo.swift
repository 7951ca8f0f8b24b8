import DecantCore
import DecantState

/// The code side of a rollback: the edits to revert, newest first, each only if
/// its file still holds what decant wrote (or, after the newer reverts of the
/// same file, what the next newer edit started from).
struct CodeUndo: Sendable {
    struct Revert: Sendable {
        var row: CodeEditRow
        /// The file already holds its content from before the edit.
        var recordOnly: Bool
    }

    var reverts: [Revert] = []

    /// `edits` newest first, as the scope lists them.
    static func plan(edits: [CodeEditRow], codeRoot: String?, refusals: inout RefusalBook) -> CodeUndo {
        var undo = CodeUndo()
        // What each file will hold once the newer reverts of it are done.
        var expected: [String: String?] = [:]
        var blocked: Set<String> = []
        for row in edits {
            let edit = row.edit
            let subject = "\(edit.path) (edited at serial \(row.serial))"
            if blocked.contains(edit.path) {
                refusals.add(.revertCode, .codeBlocked, sample: subject)
                continue
            }
            guard let codeRoot else {
                refusals.add(.revertCode, .noCodeRoot, sample: subject)
                blocked.insert(edit.path)
                continue
            }
            let current: String?
            if let known = expected[edit.path] {
                current = known
            } else {
                do {
                    current = try CodeFile.hash(edit.path, root: codeRoot)
                } catch {
                    // The recorded path would leave the code root (the only thing a hash refuses).
                    refusals.add(.revertCode, .unsafePath(edit.path), sample: subject)
                    blocked.insert(edit.path)
                    continue
                }
            }
            if current == edit.afterHash || current == edit.beforeHash {
                undo.reverts.append(Revert(row: row, recordOnly: current == edit.beforeHash))
                expected[edit.path] = .some(edit.beforeHash)
            } else {
                let reason: RefusalReason = current == nil ? .codeMissing : .codeChanged
                refusals.add(.revertCode, reason, sample: subject)
                blocked.insert(edit.path)
            }
        }
        return undo
    }
}
