import DecantCodeRefs
import DecantCore
import Foundation
import TestSupport

/// A throwaway code root holding a few files, scanned with the fixture's
/// source refs and a plan of small migrations.
struct SnippetRepo {
    let directory: TemporaryDirectory
    var root: String { directory.path }

    init(_ files: [String: String]) throws {
        directory = try TemporaryDirectory("decant-snippet")
        for (path, text) in files { try directory.write(path, text) }
    }

    func remove() { directory.remove() }

    func scan(_ plan: Plan = SnippetRepo.plan(), sourceRefs: [String] = FixtureRepo.sourceRefs) async throws -> CodeScan {
        try await CodeScanner.scan(CodeScanOptions(root: root, sourceRefs: sourceRefs, environment: "dev",
                                                   otherEnvironmentBuckets: FixtureRepo.otherEnvironments),
                                   migrations: plan.migrations)
    }

    func rewrite(_ plan: Plan = SnippetRepo.plan()) async throws -> CodeRewritePlan {
        try await CodeRewriter.plan(try await scan(plan), plan: plan, root: root)
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: root + "/" + path, encoding: .utf8) }

    /// Three migrations into two buckets (one without `code_ref`).
    static func plan(archiveCodeRef: String? = "ARCHIVE_BUCKET_NAME", archiveName: String = "archive-bucket-dev",
                     tweak: (inout Migration) -> Void = { _ in }) -> Plan {
        var migrations = [
            Migration(key: "historization", source: BucketPath(bucket: "data-bucket-dev", prefix: "historization/"),
                      target: BucketPath(bucket: archiveName, prefix: "archives/"), targetBucketKey: "archive",
                      subfolders: [SubfolderRename(from: "tracking/", to: "firebase_tracking/")], rewriteCode: true),
            Migration(key: "dms_export", source: BucketPath(bucket: "data-bucket-dev", prefix: "dms_export/"),
                      target: BucketPath(bucket: "dms-staging-bucket-dev", prefix: ""), targetBucketKey: "dms_staging",
                      rewriteCode: true),
            Migration(key: "qpi_exports", source: BucketPath(bucket: "data-bucket-dev", prefix: "QPI_exports/"),
                      target: BucketPath(bucket: "qpi-import-bucket-dev", prefix: "exports/"), targetBucketKey: "qpi_import",
                      rewriteCode: true),
        ]
        for i in migrations.indices { tweak(&migrations[i]) }
        return Plan(environment: "dev", storage: .local(root: "/tmp/store"), state: .local(path: "state/dev.db"),
                    code: CodeConfig(root: ".", sourceRefs: FixtureRepo.sourceRefs),
                    buckets: [BucketSpec(key: "archive", name: archiveName, codeRef: archiveCodeRef),
                              BucketSpec(key: "dms_staging", name: "dms-staging-bucket-dev", codeRef: "DMS_STAGING_BUCKET_NAME"),
                              BucketSpec(key: "qpi_import", name: "qpi-import-bucket-dev")],
                    migrations: migrations)
    }

    static let config = """
        import os

        ENV_SHORT_NAME = os.environ.get("ENV_SHORT_NAME", "dev")
        DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")

        """
}
