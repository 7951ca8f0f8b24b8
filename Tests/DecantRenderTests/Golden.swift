import Foundation
import Testing

/// Golden files under Golden/. Set DECANT_UPDATE_GOLDEN=1 to rewrite them after an
/// intended change, then review the diff.
enum Golden {
    static func check(_ rendered: String, _ name: String, filePath: String = #filePath) throws {
        let url = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["DECANT_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected, "\(name) differs from its golden file; run with DECANT_UPDATE_GOLDEN=1 and review")
    }
}
