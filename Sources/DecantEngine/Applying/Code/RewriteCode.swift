import DecantCore
import DecantState

/// rewrite_code: writes one file's planned edit (atomically, and only if the file
/// is still as planned: the injected `CodeEditWriter`) and records it, hashes
/// before and after, for its undo.
struct RewriteCode: ActionStep {
    let edit: CodeEdit

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        guard let writeCode = run.writeCode, let root = run.options.codeRoot else { throw EngineError.noCodeRoot }
        try writeCode(edit, root)
        try await run.state.recordCodeEdit(edit, serial: run.serial)
        return .succeeded(action)
    }
}

/// revert_code, the undo of rewrite_code: writes `edit` (the reverse of a recorded
/// edit) if the file still holds what decant wrote; a file already back is only
/// recorded; anything else is refused.
struct RevertCode: ActionStep {
    let edit: CodeEdit

    func perform(_ action: Action, in run: RunEnvironment) async throws -> ActionOutcome {
        guard let id = action.ledgerIDs?.first, let row = try await run.state.codeEdit(id: id) else {
            throw EngineError.missingLedgerRow(action.id)
        }
        if let undone = row.revertedSerial {
            guard undone == run.serial else {
                throw EngineError.alreadyUndone(what: "the edit of \(row.edit.path) at serial \(row.serial)", serial: undone)
            }
            return .succeeded(action)
        }
        guard let writeCode = run.writeCode, let root = run.options.codeRoot else { throw EngineError.noCodeRoot }
        switch try CodeFile.hash(edit.path, root: root) {
        case edit.afterHash?:
            break
        case edit.beforeHash?:
            try writeCode(edit, root)
        case nil:
            throw EngineError.codeMissing(path: edit.path, serial: row.serial)
        default:
            throw EngineError.codeChanged(path: edit.path, serial: row.serial)
        }
        try await run.state.recordCodeReverted(editID: id, serial: run.serial)
        return .succeeded(action)
    }
}
