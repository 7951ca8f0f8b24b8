import DecantCore
import Foundation

/// One plan file's bytes: `path` is how diagnostics name it (the plan directory
/// as shown to the user, joined with the file name), `relativePath` is what the
/// input digest covers, so moving the directory does not change the digest.
struct PlanSourceFile: Sendable {
    var path: String
    var relativePath: String
    var bytes: [UInt8]

    init(path: String, relativePath: String, bytes: [UInt8]) {
        self.path = path
        self.relativePath = relativePath
        self.bytes = bytes
    }

    /// SHA-256 over each file's relative path and bytes, in path order: for every
    /// file, its UTF-8 path, a NUL, its length in decimal, a NUL, then its bytes.
    static func digest(_ files: [PlanSourceFile]) -> String {
        let hasher = StreamingDigest.sha256()
        for file in files.sorted(by: { $0.relativePath < $1.relativePath }) {
            hasher.update(Array(file.relativePath.utf8) + [0] + Array(String(file.bytes.count).utf8) + [0])
            hasher.update(file.bytes)
        }
        return Digest.hex(hasher.finish())
    }
}

/// Finds the plan files of a directory: every `*.yaml` and `*.yml` directly in
/// it, sorted by name. Subfolders are not read (as Terraform reads one directory),
/// but a subfolder holding plan files gets a warning so that nothing is silently
/// ignored. Hidden files (editor back-ups, `.decant/`) are skipped.
enum PlanDirectory {
    static func isPlanFile(_ name: String) -> Bool {
        !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }

    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Reads `directory`; diagnostics and the files' `path` name them under `shown`.
    static func read(_ directory: String, shownAs shown: String, bag: DiagnosticBag) -> [PlanSourceFile] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            bag.error("the plan directory `\(directory)` does not exist", at: nil,
                      hint: "pass `--plans DIR`, or run decant where `plans/` is (or with `--chdir`)")
            return []
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            bag.error("cannot list the plan directory `\(directory)`: \(error.localizedDescription)", at: nil)
            return []
        }
        var files: [PlanSourceFile] = []
        for name in names where !name.hasPrefix(".") {
            let path = join(directory, name)
            var childIsDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: path, isDirectory: &childIsDirectory)
            if childIsDirectory.boolValue {
                let nested = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter(isPlanFile).sorted()
                if let first = nested.first {
                    let folder = join(shown, name)
                    bag.warning("`\(folder)/` holds plan files that are not read: decant reads the plan directory only, not its subfolders",
                                at: SourceLocation(file: join(folder, first), line: 1, column: 1),
                                hint: "move them up into `\(shown)`, or pass `--plans \(folder)`")
                }
                continue
            }
            guard isPlanFile(name) else { continue }
            guard let data = manager.contents(atPath: path) else {
                bag.error("cannot read the plan file `\(path)`", at: SourceLocation(file: join(shown, name), line: 1, column: 1))
                continue
            }
            files.append(PlanSourceFile(path: join(shown, name), relativePath: name, bytes: [UInt8](data)))
        }
        if files.isEmpty, !bag.hasErrors {
            bag.error("no plan files (`*.yaml`, `*.yml`) in `\(directory)`", at: nil)
        }
        return files
    }
}
