import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
// N concurrent GETs to a server that answers after a delay: how much CPU does the
// client burn while it only waits?
let url = URL(string: CommandLine.arguments[1])!
let n = Int(CommandLine.arguments[2])!
let session = URLSession(configuration: .ephemeral)
await withTaskGroup(of: Void.self) { group in
    for _ in 0..<n { group.addTask { _ = try? await session.data(from: url) } }
}
