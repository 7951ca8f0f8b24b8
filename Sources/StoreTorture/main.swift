import DecantCore
import DecantStorage
import Foundation

// A child process for LocalStore's crash and multi-process tests: uploads,
// copies and deletes small objects at random in one bucket of a LocalStore
// until it has done `count` operations or is killed.
//
//   decant-store-torture ROOT BUCKET SEED COUNT
//
// Prints "ready" once running, then one line per finished operation.

let arguments = CommandLine.arguments
guard arguments.count == 5, let seed = UInt64(arguments[3]), let count = Int(arguments[4]) else {
    FileHandle.standardError.write(Data("usage: decant-store-torture ROOT BUCKET SEED COUNT\n".utf8))
    exit(2)
}
let store = LocalStore(root: arguments[1])
let bucket = arguments[2]

/// SplitMix64, so that each child does a reproducible sequence.
struct Random {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

func name(_ i: Int) -> String {
    switch i % 4 {
    case 0: return "flat-\(i)"
    case 1: return "dir/\(i)/file"
    case 2: return "dir/\(i)"
    default: return "folder-\(i)/"
    }
}

var random = Random(state: seed)
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

say("ready")
for step in 0..<count {
    let target = name(random.next(40))
    let size = random.next(20_000)
    let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ step) })
    do {
        switch random.next(10) {
        case 0...4:
            _ = try await store.upload(bucket, target, data: data, ifGenerationMatch: nil, contentType: "text/plain",
                                       metadata: ["step": String(step)])
        case 5...7:
            let source = name(random.next(40))
            _ = try await store.copyObject(CopyRequest(sourceBucket: bucket, sourceName: source, targetBucket: bucket,
                                                       targetName: target, ifTargetGenerationMatch: nil))
        default:
            try await store.deleteObject(bucket, target, ifGenerationMatch: nil)
        }
    } catch StoreError.notFound {
        // Copying or deleting an object that is not there: expected at random.
    } catch {
        FileHandle.standardError.write(Data("step \(step): \(error)\n".utf8))
        exit(1)
    }
    say("done \(step)")
}
