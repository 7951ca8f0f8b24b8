import DecantCore

/// Everything a scan of the code root found, sorted by path, line and column.
public struct CodeScan: Hashable, Sendable, Codable {
    /// The options the scan ran with (the rewriter analyses files again with them).
    public var options: CodeScanOptions
    /// References to the source bucket of this environment that name an object
    /// path: `migration` is the migration whose source they name, nil when no
    /// migration covers the path ("unmanaged"). A path that names a parent of
    /// several migrations' sources appears once per migration.
    public var references: [CodeReference]
    /// References that name the source bucket without a usable object path (the
    /// bucket alone, the bucket root, a path built at run time). They may touch
    /// anything in the bucket, so a person should look at them, but they do not
    /// gate deletion: `unrewritableReason` says why they are here.
    public var unresolved: [CodeReference]
    /// Hard-coded names of another environment's source bucket
    /// (`gs://data-bucket-stg/link_artists/` scanned for dev). They gate nothing
    /// here; the scan of that environment resolves them.
    public var otherEnvironments: [CodeReference]
    /// Paths alone that start with a folder of the analysed bucket (`mentionFolders`),
    /// under a path keyword of a call naming no bucket: uses of that folder for the
    /// analysis. They gate nothing and are never rewritten.
    public var mentions: [CodeReference] = []
    /// Where the source bucket's constants (and file-local aliases of it) are defined.
    public var definitions: [ConstantDefinition]
    public var filesScanned: Int
    public var bytesScanned: Int
    /// Files not read under their own path, with the reason (binary, too large,
    /// unreadable, a link scanned by its real path or not followed).
    public var skipped: [SkippedFile]
    /// Files reached through a symbolic link out of the code root: scanned (their
    /// references count) but never rewritten.
    public var outsideRoot: [LinkedFile]
    /// Files left out by `.gitignore` rules.
    public var filesIgnored: Int
    /// The project the names were resolved in, for the rewriter (neither encoded nor compared).
    var project = ProjectHandle(project: nil)

    public init(options: CodeScanOptions, references: [CodeReference] = [], unresolved: [CodeReference] = [],
                otherEnvironments: [CodeReference] = [], definitions: [ConstantDefinition] = [],
                filesScanned: Int = 0, bytesScanned: Int = 0, skipped: [SkippedFile] = [], outsideRoot: [LinkedFile] = [],
                filesIgnored: Int = 0) {
        self.options = options
        self.references = references
        self.unresolved = unresolved
        self.otherEnvironments = otherEnvironments
        self.definitions = definitions
        self.filesScanned = filesScanned
        self.bytesScanned = bytesScanned
        self.skipped = skipped
        self.outsideRoot = outsideRoot
        self.filesIgnored = filesIgnored
    }

    /// The migrations whose source location some reference still names (for the
    /// deletion gate, invariant 3). Unresolved and other-environment references
    /// do not count (see `unresolved`).
    public func referencedMigrations() -> Set<String> {
        Set(references.compactMap(\.migration))
    }

    /// The references that keep `migration`'s source from being deleted.
    public func references(to migration: String) -> [CodeReference] {
        references.filter { $0.migration == migration }
    }
}

/// Where code defines a name for the source bucket: a declared constant
/// (`DATA_GCS_BUCKET_NAME = os.environ.get(…)`) or a file-local alias
/// (`BUCKET_NAME = f"data-bucket-{ENV_SHORT_NAME}"`). The rewriter defines the
/// target buckets' constants next to these, in the same style.
public struct ConstantDefinition: Hashable, Sendable, Codable {
    public var path: String
    public var line: Int
    public var name: String
    /// True for a name that is not one of `sourceRefs` but is assigned the bucket
    /// in this file; it is then a reference to the bucket within that file only.
    public var isAlias: Bool

    public init(path: String, line: Int, name: String, isAlias: Bool) {
        self.path = path
        self.line = line
        self.name = name
        self.isAlias = isAlias
    }
}
