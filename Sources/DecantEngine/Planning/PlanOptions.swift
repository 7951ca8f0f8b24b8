import DecantCore
import Foundation

/// How to plan: the selection and the safety thresholds from the command line.
public struct PlanOptions: Sendable {
    /// `--target`: migration keys, bucket keys or bucket names.
    public var targets: [String]
    /// `--phase`: only migrations of this phase.
    public var phase: Int?
    /// `--max-delete`: more deletions than this is an error (rclone's default is 1000 a run).
    public var maxDelete: Int
    /// `--allow-references`: delete sources even though code still names them.
    public var allowReferences: Bool
    /// Listings run this many at a time.
    public var listingWidth: Int
    /// Compute what stays behind in source buckets (needs a listing of everything else).
    public var computeLeftovers: Bool
    /// The prices to cost the plan with; nil plans without costs.
    public var pricing: Pricing?
    /// `--now` and the real clock (the planner's clock is the pinned one): ahead of
    /// the real clock, deletions are judged by the real clock unless it allows otherwise.
    public var pinnedNow: PinnedNow?
    /// Where the plan's object lists are spooled (an unlinked file: nothing stays
    /// behind); nil: the system's temporary directory.
    public var spoolDirectory: String?

    public init(targets: [String] = [], phase: Int? = nil, maxDelete: Int = 1000, allowReferences: Bool = false,
                listingWidth: Int = 8, computeLeftovers: Bool = true, pricing: Pricing? = nil) {
        self.targets = targets
        self.phase = phase
        self.maxDelete = maxDelete
        self.allowReferences = allowReferences
        self.listingWidth = listingWidth
        self.computeLeftovers = computeLeftovers
        self.pricing = pricing
    }
}

/// Code references and edits, computed by the code scanner for the planner.
public struct CodeFindings: Sendable {
    public var filesScanned: Int
    /// References that name an object path (`migration` nil: outside every migration).
    public var references: [CodeReference]
    /// References to a source bucket whose object path decant cannot place: each may
    /// reach any location of its bucket (`bucket`).
    public var unplaced: [CodeReference]
    public var edits: [CodeEdit]
    public var unrewritable: [CodeReference]
    /// Files not scanned under their own path, and why.
    public var skipped: [SkippedFile]
    /// Files reached through a link out of the code root (scanned, never rewritten).
    public var outsideRoot: [LinkedFile]

    public init(filesScanned: Int, references: [CodeReference], unplaced: [CodeReference] = [], edits: [CodeEdit],
                unrewritable: [CodeReference], skipped: [SkippedFile] = [], outsideRoot: [LinkedFile] = []) {
        self.filesScanned = filesScanned
        self.references = references
        self.unplaced = unplaced
        self.edits = edits
        self.unrewritable = unrewritable
        self.skipped = skipped
        self.outsideRoot = outsideRoot
    }
}
