import DecantCore
import Foundation

/// One copy recorded in the state's ledger, as the planner needs it.
public struct LedgerCopy: Hashable, Sendable {
    public var sourceBucket: String
    public var sourceName: String
    public var sourceGeneration: Int64
    public var content: ContentIdentity
    public var targetBucket: String
    public var targetName: String
    public var targetGeneration: Int64
    /// When verification succeeded, and at which level; nil when not verified.
    public var verifiedAt: Date?
    public var verifyLevel: VerifyLevel?
    /// Size and checksums of the copy as the store reported them.
    public var targetContent: ContentIdentity?

    public init(sourceBucket: String, sourceName: String, sourceGeneration: Int64, content: ContentIdentity,
                targetBucket: String, targetName: String, targetGeneration: Int64, verifiedAt: Date?,
                verifyLevel: VerifyLevel?, targetContent: ContentIdentity? = nil) {
        self.sourceBucket = sourceBucket
        self.sourceName = sourceName
        self.sourceGeneration = sourceGeneration
        self.content = content
        self.targetBucket = targetBucket
        self.targetName = targetName
        self.targetGeneration = targetGeneration
        self.verifiedAt = verifiedAt
        self.verifyLevel = verifyLevel
        self.targetContent = targetContent
    }

    /// A checksum-level verification: the only kind that allows deleting the source.
    public var isChecksumVerified: Bool { verifiedAt != nil && verifyLevel == .checksum }
}

/// What the planner reads from the state: the ledger in source-name order, so that
/// it can be merged with sorted listings without loading it whole.
public protocol LedgerReader: Sendable {
    var lineage: String? { get async throws }
    var serial: Int64 { get async throws }
    /// Copies recorded for sources under `prefix` in `bucket`, sorted by source name
    /// (bytes), one page at a time; `after` resumes strictly after that source name.
    /// A page never splits the rows of one source name (it may exceed `limit` to
    /// finish them), so paging by name loses nothing.
    func copies(sourceBucket: String, prefix: String, after: String?, limit: Int) async throws -> [LedgerCopy]
    /// Buckets decant created (only those may ever be deleted by decant).
    func createdBuckets() async throws -> Set<String>
}

/// An empty state: serial 0, nothing recorded.
public struct EmptyLedger: LedgerReader {
    public init() {}
    public var lineage: String? { nil }
    public var serial: Int64 { 0 }
    public func copies(sourceBucket: String, prefix: String, after: String?, limit: Int) async throws -> [LedgerCopy] { [] }
    public func createdBuckets() async throws -> Set<String> { [] }
}

/// Reads ledger copies one by one in source-name order.
struct LedgerCursor {
    let ledger: any LedgerReader
    let bucket: String
    let prefix: String
    private var buffer: [LedgerCopy] = []
    private var position = 0
    private var last: String?
    private var exhausted = false
    static let pageSize = 5000

    init(ledger: any LedgerReader, bucket: String, prefix: String) {
        self.ledger = ledger
        self.bucket = bucket
        self.prefix = prefix
    }

    mutating func peek() async throws -> LedgerCopy? {
        while position >= buffer.count {
            guard !exhausted else { return nil }
            buffer = try await ledger.copies(sourceBucket: bucket, prefix: prefix, after: last, limit: Self.pageSize)
            position = 0
            if buffer.count < Self.pageSize { exhausted = true }
            if let tail = buffer.last { last = tail.sourceName }
            if buffer.isEmpty { return nil }
        }
        return buffer[position]
    }

    /// Every row for `sourceName`, skipping rows before it.
    mutating func rows(for sourceName: String) async throws -> [LedgerCopy] {
        var out: [LedgerCopy] = []
        while let row = try await peek() {
            let c = ByteOrder.compare(row.sourceName, sourceName)
            if c > 0 { break }
            if c == 0 { out.append(row) }
            position += 1
        }
        return out
    }
}
