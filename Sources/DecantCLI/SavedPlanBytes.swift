import DecantCore
import DecantEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A saved plan as bytes, with their SHA-256: what `plan --out` writes and prints,
/// what `show` prints, and what `apply FILE --expect-sha256 HEX` checks before it
/// does anything. The file is read once, streamed: the bytes hashed are the bytes
/// decoded (the object lists go into a private unlinked spool as they are hashed),
/// so a file swapped between the check and the apply cannot slip through, and a
/// plan of millions of objects is never held in memory whole.
final class SavedPlanBytes {
    /// The path as the user gave it (for messages and the Markdown footer).
    let path: String
    /// Lowercase hex, as `sha256sum FILE` prints it.
    let sha256: String
    private let loaded: SavedPlan.Loaded?
    /// `plan --out`: the bytes written beside the destination, renamed into place by `write`.
    private var pending: String?
    private let destination: String?

    private init(path: String, sha256: String, loaded: SavedPlan.Loaded?, pending: String?, destination: String?) {
        self.path = path
        self.sha256 = sha256
        self.loaded = loaded
        self.pending = pending
        self.destination = destination
    }

    deinit { if let pending { unlink(pending) } }

    /// The bytes `plan --out` is about to write, written to a temporary file in the
    /// destination's folder (mode 0600 from its creation) and hashed as they go.
    convenience init(plan: Plan, changes: PlannedChanges, path: String, context: CommandContext) throws {
        let destination = context.resolve(path)
        let (temporary, fd) = try OutputFile.create(beside: destination, named: path, mode: 0o600)
        let hasher = StreamingDigest.sha256()
        do {
            try SavedPlan(plan: plan, changes: changes).write { bytes in
                hasher.update(bytes)
                try OutputFile.writeAll(bytes, to: fd, named: path)
            }
            guard fsync(fd) == 0 else { throw CommandError("cannot write \(path): \(OutputFile.errnoText())") }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        self.init(path: path, sha256: Digest.hex(hasher.finish()), loaded: nil, pending: temporary, destination: destination)
    }

    static func read(_ path: String, _ context: CommandContext) throws -> SavedPlanBytes {
        let resolved = context.resolve(path)
        let fd = open(resolved, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.savedPlanUnreadable(path, OutputFile.errnoText()) }
        defer { close(fd) }
        // The private copy of the object lists goes beside the file (the system's temporary folder may be small).
        let loaded = try SavedPlan.Reading(fd: fd, path: path, spoolDirectory: (resolved as NSString).deletingLastPathComponent).read()
        return SavedPlanBytes(path: path, sha256: loaded.sha256, loaded: loaded, pending: nil, destination: nil)
    }

    /// `SHA-256 (prod.plan) = 3f…`: the line `plan --out` and `show` print (OpenSSL's form).
    var digestLine: String { "SHA-256 (\(path)) = \(sha256)" }

    func decode() throws -> SavedPlan {
        guard let loaded else { throw EngineError.notASavedPlan(path) }
        return try loaded.decode()
    }

    /// Moves the written bytes into place (whole or not at all).
    func write(_ context: CommandContext) throws {
        guard let temporary = pending, let destination else { return }
        guard rename(temporary, destination) == 0 else { throw CommandError("cannot write \(path): \(OutputFile.errnoText())") }
        pending = nil
    }

    /// `--expect-sha256`: refuses a file whose bytes are not the reviewed ones.
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
