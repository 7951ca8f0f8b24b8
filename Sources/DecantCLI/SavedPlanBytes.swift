import DecantCore
import DecantEngine
import Foundation

/// A saved plan as bytes, with their SHA-256: what `plan --out` writes and prints,
/// what `show` prints, and what `apply FILE --expect-sha256 HEX` checks before it
/// does anything. The file is read once; the bytes checked are the bytes decoded,
/// so a file swapped between the check and the apply cannot slip through.
struct SavedPlanBytes {
    /// The path as the user gave it (for messages and the Markdown footer).
    let path: String
    let data: Data
    /// Lowercase hex, as `sha256sum FILE` prints it.
    let sha256: String

    init(path: String, data: Data) {
        self.path = path
        self.data = data
        sha256 = Digest.sha256Hex(data)
    }

    /// The bytes `plan --out` is about to write.
    init(plan: Plan, changes: PlannedChanges, path: String) throws {
        self.init(path: path, data: try SavedPlan(plan: plan, changes: changes).encoded())
    }

    static func read(_ path: String, _ context: CommandContext) throws -> SavedPlanBytes {
        do {
            return SavedPlanBytes(path: path, data: try Data(contentsOf: URL(fileURLWithPath: context.resolve(path))))
        } catch {
            throw EngineError.savedPlanUnreadable(path, String(describing: error.localizedDescription))
        }
    }

    /// `SHA-256 (prod.plan) = 3f…`: the line `plan --out` and `show` print (OpenSSL's form).
    var digestLine: String { "SHA-256 (\(path)) = \(sha256)" }

    func decode() throws -> SavedPlan { try SavedPlan.decode(data, path: path) }

    func write(_ context: CommandContext) throws {
        try OutputFile.write(data, to: context.resolve(path), named: path, mode: 0o600)
    }

    /// `--expect-sha256 HEX`: refuses a file whose bytes are not the reviewed ones.
    func check(expected: String?) throws {
        guard let expected else { return }
        guard expected.lowercased() == sha256 else {
            throw CommandError("\(path) is not the reviewed plan: its SHA-256 is \(sha256), --expect-sha256 expects \(expected.lowercased()); "
                               + "nothing was applied. Apply the file that was reviewed, or review this one (`decant show \(path)`)")
        }
    }

    /// Checks `--expect-sha256`'s value is a SHA-256 in hex.
    static func expectedDigest(_ arguments: ParsedArguments, hasFile: Bool) throws -> String? {
        guard let value = arguments.value("expect-sha256") else { return nil }
        guard hasFile else { throw CommandError("--expect-sha256 checks a saved plan: give the file too (`decant apply --env ENV FILE --expect-sha256 \(value)`)") }
        guard value.count == 64, value.allSatisfy(\.isHexDigit) else {
            throw CommandError("--expect-sha256 takes a SHA-256 as 64 hex digits (as `decant plan --out` and `sha256sum` print it), got \(value)")
        }
        return value.lowercased()
    }

    static let option = OptionSpec("expect-sha256", value: "HEX",
                                   help: "Refuse SAVED_PLAN unless the SHA-256 of its bytes is HEX (as `decant plan --out` printed it).")
}
