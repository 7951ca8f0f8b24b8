import DecantCore
@testable import DecantPlanFile
import Testing

/// What a correct plan resolves to: defaults, every field, interpolation.
@Suite struct ResolveTests {
    @Test func defaults() throws {
        let (plan, diagnostics) = PlanText.load("""
        decant: 1
        environments:
          dev: {}
        buckets:
          archive: {}
        migrations:
          historization:
            source: "data-bucket-${env}/historization"
            target: archive
        """)
        let p = try #require(plan, "\(diagnostics)")
        // Only the storage default is worth a warning.
        #expect(diagnostics.map(\.severity) == [.warning])
        #expect(diagnostics.first?.message.contains("local store in `.decant/store`") == true)
        #expect(p.storage == .local(root: ".decant/store"))
        #expect(p.state == .local(path: "state/dev.db"))
        #expect(p.code == nil)
        #expect(p.variables == ["env": "dev"])
        #expect(p.buckets.map(\.name) == ["archive-bucket-dev"])
        #expect(p.buckets[0].settings == BucketSettings())
        let m = try #require(p.migrations.first)
        #expect(m.phase == 1)
        #expect(m.source == BucketPath(bucket: "data-bucket-dev", prefix: "historization/"))
        #expect(m.target == BucketPath(bucket: "archive-bucket-dev", prefix: ""))
        #expect(m.targetBucketKey == "archive")
        #expect(m.overwrite == .never && m.verify == .checksum && m.recursive && !m.rewriteCode)
        #expect(m.cleanup == nil && m.partitions == nil && m.storageClass == nil)
        #expect(m.batchSize == Migration.defaultBatchSize)
        #expect(m.origin == SourceLocation(file: "plans/plan.yaml", line: 7, column: 3))
        #expect(p.inputDigest.count == 64)
    }

    @Test func everyField() throws {
        let (plan, diagnostics) = PlanText.load(PlanText.header + """
        state: { backend: gcs, bucket: "decant-state-${env}", prefix: data-platform }
        code:
          root: repo
          include: ["orchestration/**"]
          exclude: ["**/test_*.py"]
          source_refs: ["data-bucket-${env}", "{DATA_GCS_BUCKET_NAME}"]
          acknowledged:
            - { path: "jobs/report/hooks.py", contains: "bucket_name=", reason: "writes run logs only in ${env}" }
            - { path: jobs/old.py, reason: removed }
        lifecycle_policies:
          archiving:
            - { set_storage_class: NEARLINE, when: { age_days: 30, matches_prefix: [a/], matches_storage_class: [STANDARD] } }
            - { delete: true, when: { created_before: 2020-01-31, is_live: false, num_newer_versions: 3 } }
            - { abort_incomplete_multipart_upload: true, when: { age_days: 7 } }
        buckets:
          seed:
            name: "seed-${project}"
            location: europe-west1
            storage_class: standard
            lifecycle: archiving
            labels: { use_case: seed, env: "${env}" }
            versioning: true
            uniform_access: true
            public_access_prevention: enforced
            retention_period: 30d
            soft_delete: 7d
            autoclass: false
            code_ref: SEED_BUCKET
            preserve_age: true
            project: other-project
          inline:
            lifecycle:
              - { delete: true, when: { days_since_noncurrent_time: 10, noncurrent_time_before: 2024-01-01 } }
        migrations:
          qpi:
            phase: 4
            description: "QPI exports for ${env}"
            source: "gs://data-bucket-${env}/QPI_exports/"
            target: "seed/imports"
            subfolders: { old: new/, "a/b/": c/ }
            include: ["**/*.jsonl"]
            exclude: ["tmp/**"]
            file_types: ["*.jsonl"]
            partitions: { pattern: "qpi_answers_{YYYYMMDD}/", range: "2025-01-01..2025-03-31" }
            overwrite: different
            verify: checksum
            rewrite_code: true
            cleanup: { delete_source: true, after: 2w, retention: 90d }
            storage_class: COLDLINE
            batch_size: 50
          external:
            source: "data-bucket-${env}/x/"
            target: "gs://someone-elses-bucket/from-us/"
        """)
        let p = try #require(plan, "\(diagnostics)")
        #expect(diagnostics.isEmpty)
        #expect(p.storage == .local(root: "store"))
        #expect(p.state == .gcs(bucket: "decant-state-dev", prefix: "data-platform"))
        #expect(p.code == CodeConfig(root: "repo", include: ["orchestration/**"], exclude: ["**/test_*.py"],
                                     sourceRefs: ["data-bucket-dev", "{DATA_GCS_BUCKET_NAME}"], acknowledged: [
                                         CodeAcknowledgement(path: "jobs/report/hooks.py", contains: "bucket_name=",
                                                             reason: "writes run logs only in dev",
                                                             origin: SourceLocation(file: "plans/plan.yaml", line: 13, column: 7)),
                                         CodeAcknowledgement(path: "jobs/old.py", reason: "removed",
                                                             origin: SourceLocation(file: "plans/plan.yaml", line: 14, column: 7)),
                                     ]))
        let seed = try #require(p.bucket(key: "seed"))
        #expect(seed.name == "seed-p-dev")
        #expect(seed.lifecyclePolicy == "archiving")
        #expect(seed.preserveAge && seed.codeRef == "SEED_BUCKET" && seed.project == "other-project")
        let s = seed.settings
        #expect(s.location == "EUROPE-WEST1" && s.storageClass == .standard)
        #expect(s.labels == ["use_case": "seed", "env": "dev"])
        #expect(s.versioning == true && s.uniformAccess == true && s.autoclass == false)
        #expect(s.publicAccessPrevention == "enforced")
        #expect(s.retentionPeriodSeconds == 30 * 86_400 && s.softDeleteSeconds == 7 * 86_400)
        #expect(s.lifecycle == [
            LifecycleRule(action: .setStorageClass(.nearline),
                          condition: .init(age: 30, matchesPrefix: ["a/"], matchesStorageClass: [.standard])),
            LifecycleRule(action: .delete, condition: .init(createdBefore: CalendarDay("2020-01-31"), isLive: false, numNewerVersions: 3)),
            LifecycleRule(action: .abortIncompleteMultipartUpload, condition: .init(age: 7)),
        ])
        #expect(p.bucket(key: "inline")?.settings.lifecycle == [
            LifecycleRule(action: .delete, condition: .init(daysSinceNoncurrentTime: 10, noncurrentTimeBefore: CalendarDay("2024-01-01"))),
        ])
        #expect(p.bucket(key: "inline")?.lifecyclePolicy == nil)

        let m = try #require(p.migration(key: "qpi"))
        #expect(m.phase == 4 && m.description == "QPI exports for dev")
        #expect(m.source == BucketPath(bucket: "data-bucket-dev", prefix: "QPI_exports/"))
        #expect(m.target == BucketPath(bucket: "seed-p-dev", prefix: "imports/"))
        #expect(m.targetBucketKey == "seed")
        #expect(m.subfolders.map { "\($0.from)→\($0.to)" } == ["old/→new/", "a/b/→c/"])
        #expect(m.include == ["**/*.jsonl"] && m.exclude == ["tmp/**"] && m.fileTypes == ["*.jsonl"])
        #expect(m.partitions?.pattern.text == "qpi_answers_{YYYYMMDD}/")
        #expect(m.partitions?.range == .between(try #require(CalendarDay("2025-01-01")), try #require(CalendarDay("2025-03-31"))))
        #expect(m.overwrite == .different && m.verify == .checksum && m.rewriteCode)
        #expect(m.cleanup == CleanupPolicy(deleteSource: true, after: DurationSpec(seconds: 14 * 86_400, text: "2w"), retention: .days(90)))
        #expect(m.storageClass == .coldline && m.batchSize == 50)
        let external = try #require(p.migration(key: "external"))
        #expect(external.target == BucketPath(bucket: "someone-elses-bucket", prefix: "from-us/"))
        #expect(external.targetBucketKey == nil)
        // Sorted by phase, then key.
        #expect(p.migrations.map(\.key) == ["external", "qpi"])
    }

    @Test func acknowledgementMistakes() {
        let errors = PlanText.errors(PlanText.header + """
        code:
          acknowledged:
            - { path: jobs/a.py, contains: "x" }
            - { path: /etc/passwd, reason: "no" }
            - { path: jobs/b.py, reason: " " }
            - { path: jobs/c.py, reson: typo, reason: ok }
        """).map { "\($0.location?.line ?? 0): \($0.message)" }
        #expect(errors == [
            "8: `code.acknowledged[0]` is missing the required key `reason`",
            "9: `code.acknowledged[1].path` must be a path relative to code.root, got `/etc/passwd`",
            "10: `code.acknowledged[2].reason` is empty: say why these references do not reach the sources being moved",
            "11: unknown key `reson` in `code.acknowledged[3]`",
        ])
    }

    @Test func anEmptyEntryTakesEveryDefault() throws {
        let (plan, diagnostics) = PlanText.load(PlanText.header + "buckets:\n  archive:\n")
        #expect(diagnostics.isEmpty)
        #expect(plan?.buckets.map(\.name) == ["archive-bucket-dev"])
        #expect(PlanSet(files: []).resolve("dev").diagnostics.map(\.message) == ["no plan files to read"])
    }

    @Test func gcsStorageWithEndpoint() throws {
        let (plan, _) = PlanText.load("""
        decant: 1
        environments: { dev: { project: p } }
        storage: { provider: gcs, project: "${project}", endpoint: "http://127.0.0.1:4443" }
        """)
        #expect(plan?.storage == .gcs(project: "p", endpoint: "http://127.0.0.1:4443"))
    }

    @Test func interpolation() throws {
        let (plan, diagnostics) = PlanText.load("""
        decant: 1
        environments:
          dev: { project: proj, region: eu, tag: "t-${env}" }
        storage: { provider: local, root: "stores/${env}/$$HOME" }
        buckets:
          b: { name: "b-${region}-${env}", labels: { tag: "${tag}" } }
        migrations:
          m:
            source: "src-${env}/a/"
            target: "b/x/"
            partitions: { pattern: "${env}/export/{YYYYMMDD}/" }
            description: "costs $5, {YYYY} stays, $${env} is literal"
        """)
        let p = try #require(plan, "\(diagnostics)")
        #expect(p.variables == ["env": "dev", "project": "proj", "region": "eu", "tag": "t-dev"])
        #expect(p.storage == .local(root: "stores/dev/$HOME"))
        #expect(p.buckets.first?.name == "b-eu-dev")
        #expect(p.buckets.first?.settings.labels == ["tag": "t-dev"])
        let m = try #require(p.migrations.first)
        #expect(m.partitions?.pattern.text == "dev/export/{YYYYMMDD}/")
        #expect(m.description == "costs $5, {YYYY} stays, ${env} is literal")
    }

    @Test func interpolationMistakes() {
        let errors = PlanText.errors("""
        decant: 1
        environments:
          dev: { project: proj, other: "${project}" }
        storage: { provider: local, root: "${nope}" }
        state: { backend: local, path: "$env/state.db" }
        code: { root: "${env" }
        """)
        #expect(errors.map(\.position) == ["3:32", "4:35", "5:32", "6:15"])
        #expect(errors[0].message.contains("unknown variable `${project}`"))
        #expect(errors[1].message.contains("unknown variable `${nope}`"))
        #expect(errors[2].hint == "write `${env}` for the variable, or `$$env` for the text")
        #expect(errors[3].message.contains("never closed"))
    }

    @Test func environmentsRestrictEntries() throws {
        let text = PlanText.header + """
        buckets:
          both: {}
          only-stg: { environments: [stg] }
        migrations:
          a: { source: "src/a/", target: "both/a/" }
          b: { source: "src/b/", target: "only-stg/b/", environments: [stg] }
        """
        let dev = try #require(PlanText.load(text, env: "dev").plan)
        #expect(dev.buckets.map(\.key) == ["both"])
        #expect(dev.migrations.map(\.key) == ["a"])
        let stg = try #require(PlanText.load(text, env: "stg").plan)
        #expect(stg.buckets.map(\.key) == ["both", "only-stg"])
        #expect(stg.migrations.map(\.key) == ["a", "b"])
    }

    @Test func subfolderFoldersAreNormalised() throws {
        let (plan, _) = PlanText.load(PlanText.header + """
        buckets: { t: {} }
        migrations:
          m: { source: "src/p/", target: "t/", subfolders: { tracking: firebase } }
        """)
        #expect(plan?.migrations.first?.subfolders.map { "\($0.from)→\($0.to)" } == ["tracking/→firebase/"])
    }

    @Test func literalTargetNamingAManagedBucketIsLinked() throws {
        let (plan, _) = PlanText.load(PlanText.header + """
        buckets: { t: {} }
        migrations:
          m: { source: "src/p/", target: "gs://t-bucket-dev/x/" }
        """)
        #expect(plan?.migrations.first?.targetBucketKey == "t")
    }

    @Test func validateEveryEnvironment() {
        let (environments, diagnostics) = PlanText.validate(PlanText.header)
        #expect(environments == ["dev", "stg"])
        #expect(diagnostics.isEmpty)
    }
}
