/// A count of objects and their bytes.
public struct Tally: Hashable, Sendable, Codable {
    public var objects: Int
    public var bytes: Int64

    public init(objects: Int = 0, bytes: Int64 = 0) {
        self.objects = objects
        self.bytes = bytes
    }

    public mutating func add(_ size: Int64) {
        objects += 1
        bytes += size
    }

    public static func + (a: Tally, b: Tally) -> Tally { Tally(objects: a.objects + b.objects, bytes: a.bytes + b.bytes) }
    public static func += (a: inout Tally, b: Tally) { a = a + b }

    public var isZero: Bool { objects == 0 }
}
