import DecantCore
@testable import DecantPlanFile
import Testing

/// One test per kind of mistake: the message, the position and the hint.
/// `PlanText.header` is 5 lines, so the text after it starts on line 6.
@Suite struct DiagnosticKindTests {
    func errors(_ body: String, env: String = "dev") -> [Diagnostic] {
        PlanText.errors(PlanText.header + body, env: env)
    }

    func warnings(_ body: String, env: String = "dev") -> [Diagnostic] {
        PlanText.load(PlanText.header + body, env: env).diagnostics.warnings
    }

    @Test func unknownTopLevelKey() {
        let e = errors("bukets: {}\n")
        #expect(e.map(\.position) == ["6:1"])
        #expect(e.first?.message == "unknown top-level key `bukets`")
        #expect(e.first?.hint == "did you mean `buckets`?")
    }

    @Test func unknownKeyWithoutACloseOneListsTheKnownKeys() {
        let e = errors("buckets: { b: { colour: red } }\n")
        #expect(e.first?.hint?.hasPrefix("expected known keys: `name`, `location`") == true)
    }

    @Test func wrongTypes() {
        let e = errors("""
        buckets:
          b:
            versioning: { a: b }
            labels: [x]
            lifecycle: { a: b }
        migrations:
          m: { source: "src/a/", target: "b/", include: "*.csv", phase: "2", recursive: "true" }
        """)
        #expect(e.map(\.position) == ["8:17", "9:13", "10:16", "12:49", "12:65", "12:81"])
        #expect(e[0].message == "`buckets.b.versioning` must be a boolean (`true` or `false`), got a mapping")
        #expect(e[1].message == "`buckets.b.labels` must be a mapping, got a list")
        #expect(e[2].message == "`buckets.b.lifecycle` must be a string, got a mapping")
        #expect(e[3].message == "`migrations.m.include` must be a list, got a quoted string")
        #expect(e[3].hint == "write `[*.csv]` for a list of one")
        #expect(e[4].message == "`migrations.m.phase` must be an integer, got a quoted string")
        #expect(e[5].message.contains("got a quoted string"))
    }

    @Test(arguments: ["yes", "no", "on", "off", "True"])
    func yamlOneOneBooleansAreRefused(_ word: String) {
        let e = errors("buckets: { b: { versioning: \(word) } }\n")
        #expect(e.count == 1)
        #expect(e.first?.hint?.contains("decant reads only `true` and `false`") == true)
    }

    @Test func missingRequiredKeys() {
        let e = errors("""
        migrations:
          m:
            description: nothing else
        """)
        #expect(e.map(\.position) == ["7:3", "7:3"])
        #expect(e.map(\.message) == ["`migrations.m` is missing the required key `source`",
                                     "`migrations.m` is missing the required key `target`"])
    }

    @Test func versionMissingOrUnsupported() {
        let missing = PlanText.errors("environments: { dev: {} }\n")
        #expect(missing.map(\.message) == ["the plan has no `decant:` version"])
        #expect(missing.first?.position == "1:1")
        let two = PlanText.errors("decant: 2\nenvironments: { dev: {} }\n")
        #expect(two.map(\.position) == ["1:9"])
        #expect(two.first?.message.contains("this decant reads version 1") == true)
    }

    @Test func noEnvironmentAndUnknownEnvironment() {
        let none = PlanText.validate("decant: 1\n")
        #expect(none.diagnostics.errors.map(\.message) == ["the plan declares no environment"])
        let unknown = PlanText.errors(PlanText.header, env: "prod")
        #expect(unknown.map(\.message) == ["unknown environment `prod`; the plan declares `dev`, `stg`"])
        #expect(unknown.first?.position == "2:1")
        #expect(PlanText.errors(PlanText.header, env: "stgg").first?.hint == "did you mean `stg`?")
    }

    @Test func undeclaredEnvironmentInARestriction() {
        let e = errors("buckets: { b: { environments: [dev, prd] } }\n")
        #expect(e.map(\.position) == ["6:37"])
        #expect(e.first?.message == "`buckets.b.environments` names the undeclared environment `prd`")
    }

    @Test func envCannotBeRedefined() {
        let e = PlanText.errors("decant: 1\nenvironments: { dev: { env: x } }\n")
        #expect(e.map(\.position) == ["2:24"])
    }

    @Test func invalidBucketNameInOneEnvironmentOnly() {
        let text = """
        decant: 1
        environments:
          dev: { suffix: ok }
          stg: { suffix: NOT_OK }
        storage: { provider: local, root: store }
        buckets:
          b: { name: "b-${suffix}" }
        """
        #expect(PlanText.load(text, env: "dev").plan != nil)
        let (_, diagnostics) = PlanText.validate(text)
        #expect(diagnostics.map(\.position) == ["7:14"])
        #expect(diagnostics.first?.message.hasPrefix("bucket `b`: `b-NOT_OK` is not a valid GCS bucket name in environment `stg`") == true)
    }

    @Test func defaultNameTooLong() {
        let key = String(repeating: "a", count: 60)
        let e = errors("buckets: { \(key): {} }\n")
        #expect(e.first?.message.contains("must be 3 to 63 characters long") == true)
        #expect(e.first?.hint?.contains("set `name:`") == true)
    }

    @Test func twoBucketsWithOneName() {
        let e = errors("buckets:\n  a: { name: same-name }\n  b: { name: same-name }\n")
        #expect(e.map(\.position) == ["8:3"])
        #expect(e.first?.message.contains("buckets `a` and `b` are both named `same-name`") == true)
    }

    @Test func unknownLifecyclePolicy() {
        let e = errors("""
        lifecycle_policies:
          cold: [{ set_storage_class: COLDLINE, when: { age_days: 0 } }]
        buckets: { b: { lifecycle: colld } }
        """)
        #expect(e.map(\.position) == ["8:28"])
        #expect(e.first?.message == "bucket `b`: unknown lifecycle policy `colld`")
        #expect(e.first?.hint == "did you mean `cold`?")
    }

    @Test func lifecycleRuleMistakes() {
        let e = errors("""
        lifecycle_policies:
          p:
            - { when: { age_days: 1 } }
            - { delete: true, set_storage_class: COLDLINE, when: { age_days: 1 } }
            - { delete: false, when: { age_days: 1 } }
            - { delete: true }
            - { delete: true, when: {} }
            - { delete: true, when: { age_days: -1, created_before: 2025-13-01, age_dayz: 1 } }
            - { abort_incomplete_multipart_upload: true, when: { is_live: true } }
        """)
        #expect(e.map(\.position) == ["8:7", "9:7", "10:17", "11:7", "12:29", "13:41", "13:61", "13:73", "14:58"])
        #expect(e[0].message == "`lifecycle_policies.p[0]` has no action")
        #expect(e[1].message.contains("has 2 actions"))
        #expect(e[2].message.contains("is not an action"))
        #expect(e[3].message == "`lifecycle_policies.p[3]` is missing the required key `when`")
        #expect(e[4].message.contains("needs at least one condition"))
        #expect(e[5].message.contains("must be at least 0"))
        #expect(e[6].message.contains("`2025-13-01` is not a date"))
        #expect(e[7].message.contains("unknown key `age_dayz`") && e[7].hint == "did you mean `age_days`?")
        #expect(e[8].message.contains("cannot be used with `abort_incomplete_multipart_upload`"))
    }

    @Test func unknownBucketKeyHints() {
        let e = errors("""
        buckets: { archive: {} }
        migrations:
          a: { source: "src/a/", target: "archive-bucket-dev/x/" }
          b: { source: "src/b/", target: "elsewhere/x/" }
        """)
        #expect(e.map(\.position) == ["8:34", "9:34"])
        #expect(e[0].hint == "`archive-bucket-dev` is the name of bucket `archive`: write `archive/x/`")
        #expect(e[1].hint?.contains("`gs://elsewhere/x/`") == true)
    }

    @Test func targetBucketNotInThisEnvironment() {
        let e = errors("""
        buckets: { b: { environments: [stg] } }
        migrations:
          m: { source: "src/a/", target: "b/x/" }
        """)
        #expect(e.map(\.message) == ["`migrations.m.target`: bucket `b` does not exist in environment `dev` (see its `environments:`)"])
    }

    @Test func overlappingTargets() {
        let e = errors("""
        buckets: { seed: {} }
        migrations:
          a: { source: "src/a/", target: "seed/" }
          b: { source: "src/b/", target: "seed/qpi/" }
        """)
        #expect(e.map(\.position) == ["9:34"])
        #expect(e.first?.message == "the targets of `a` and `b` overlap: `gs://seed-bucket-dev/qpi/` lies inside `gs://seed-bucket-dev/` (at plans/plan.yaml:8:34)")
    }

    @Test func identicalTargets() {
        let e = errors("""
        buckets: { seed: {} }
        migrations:
          a: { source: "src/a/", target: "seed/x/" }
          b: { source: "src/b/", target: "seed/x" }
        """)
        #expect(e.map(\.position) == ["9:34"])
        #expect(e.first?.message.contains("is the same place as") == true)
    }

    @Test func overlappingSources() {
        let e = errors("""
        buckets: { t: {} }
        migrations:
          a: { source: "src/a/", target: "t/a/" }
          b: { source: "src/a/b/", target: "t/b/" }
        """)
        #expect(e.map(\.position) == ["9:16"])
        #expect(e.first?.message.hasPrefix("the sources of `a` and `b` overlap") == true)
    }

    @Test func targetInsideItsOwnSourceAndTheReverse() {
        let e = errors("""
        buckets: { t: {} }
        migrations:
          a: { source: "t-bucket-dev/", target: "t/copy/" }
          b: { source: "gs://t-bucket-dev/deep/x/", target: "t/deep/" }
        """)
        let messages = e.map(\.message)
        #expect(messages.contains("migration `a`: its target lies inside its source (`gs://t-bucket-dev/copy/` in `gs://t-bucket-dev/`)"))
        #expect(messages.contains("migration `b`: its source lies inside its target (`gs://t-bucket-dev/deep/x/` in `gs://t-bucket-dev/deep/`)"))
    }

    @Test func targetInsideAnotherMigrationsSource() {
        let e = errors("""
        buckets: { t: {} }
        migrations:
          a: { source: "src/a/", target: "t/a/" }
          b: { source: "t-bucket-dev/a/x/", target: "t/b/" }
        """)
        #expect(e.count == 1)
        #expect(e.first?.message.hasPrefix("the target of `a` (`gs://t-bucket-dev/a/`) overlaps the source of `b`") == true)
    }

    @Test func subfolderProblems() {
        let e = errors("""
        buckets: { t: {} }
        migrations:
          m:
            source: "src/a/"
            target: "t/"
            subfolders:
              /abs/: x/
              ../up/: x2/
              gs://b/c/: x3/
              ok/: /abs/
              dup: d1/
              dup/: d2/
        """)
        #expect(e.map(\.position) == ["12:7", "13:7", "14:7", "15:12", "17:7"])
        #expect(e[0].message.contains("starts with `/`"))
        #expect(e[1].message.contains("contains a '..' path segment"))
        #expect(e[2].message.contains("is a URL"))
        #expect(e[3].message.contains("`/abs/` starts with `/`"))
        #expect(e[4].message.contains("`dup/` is renamed twice (first at plans/plan.yaml:16:7)"))
    }

    @Test func twoRenamesIntoOneFolderIsAWarning() {
        let w = warnings("""
        buckets: { t: {} }
        migrations:
          m: { source: "src/a/", target: "t/", subfolders: { a/: same/, b/: same/ } }
        """)
        #expect(w.count == 1)
        #expect(w.first?.message.contains("both land in `same/`") == true)
    }

    @Test func globAndFileTypeProblems() {
        let e = errors("""
        buckets: { t: {} }
        migrations:
          m: { source: "src/a/", target: "t/", exclude: ["{a,b"], file_types: ["sub/*.csv", "x\\\\"] }
        """)
        #expect(e.count == 3)
        #expect(e[0].message.contains("a '{' is never closed"))
        #expect(e[1].message.contains("file types match the file name only"))
        #expect(e[2].message.contains("the pattern ends with '\\'"))
    }

    @Test func partitionProblems() {
        let e = errors("""
        buckets: { t: {} }
        migrations:
          a: { source: "src/a/", target: "t/a/", partitions: { pattern: "{YYYY}/x/", range: "2025-03-01..2025-01-01" } }
          b: { source: "src/b/", target: "t/b/", partitions: { pattern: "{DATE}/" } }
          c: { source: "src/c/", target: "t/c/", partitions: { range: all } }
          d: { source: "src/d/", target: "t/d/", recursive: false, partitions: { pattern: "d_{YYYYMMDD}/" } }
        """)
        #expect(e.count == 5)
        #expect(e[0].message.contains("also needs {MM} and {DD}"))
        #expect(e[1].message.contains("is not a date range"))
        #expect(e[2].message.contains("unknown token `{DATE}`"))
        #expect(e[3].message == "`migrations.c.partitions` is missing the required key `pattern`")
        #expect(e[4].message.contains("recursive: false"))
    }

    @Test func durationsAndStorageClasses() {
        let e = errors("""
        buckets: { t: { soft_delete: 3d, storage_class: ARCHIV } }
        migrations:
          m: { source: "src/a/", target: "t/", cleanup: { delete_source: true, after: 14 } }
        """)
        #expect(e.map(\.position) == ["6:30", "6:49", "8:79"])
        #expect(e[0].message.contains("must be 0 (off) or between 7d and 90d"))
        #expect(e[1].hint == "did you mean `ARCHIVE`?")
        #expect(e[2].hint == "add a unit, e.g. `14d`")
    }

    @Test func deleteSourceNeedsChecksum() {
        let e = errors("""
        buckets: { t: {} }
        migrations:
          m: { source: "src/a/", target: "t/", verify: size, cleanup: { delete_source: true, after: 1d } }
        """)
        #expect(e.map(\.position) == ["8:48"])
        #expect(e.first?.hint == "a source is deleted only after a checksum-verified copy: set `verify: checksum`")
        // Without deletion a weaker check is allowed.
        #expect(errors("""
        buckets: { t: {} }
        migrations:
          m: { source: "src/a/", target: "t/", verify: size, cleanup: { delete_source: false, retention: 90d } }
        """).isEmpty)
    }

    @Test func objectNameProblemsInPrefixes() {
        let e = errors("""
        buckets: { t: {} }
        migrations:
          a: { source: "src/a/../b/", target: "t/" }
          b: { source: "src/b/", target: "t/x//y/" }
        """)
        #expect(e.map(\.position) == ["8:16", "9:34"])
        #expect(e[0].message.contains("contains a '..' path segment"))
        #expect(e[1].message.contains("contains '//'"))
    }

    @Test func labelsFollowGCSRules() {
        let e = errors("buckets: { t: { labels: { Use: x, ok: \"Not Ok\" } } }\n")
        #expect(e.count == 2)
    }

    @Test func storageAndStateProblems() {
        let e = PlanText.errors("""
        decant: 1
        environments: { dev: {} }
        storage: { provider: gcp, root: x }
        state: { backend: gcs, bucket: "Bad", path: x }
        """)
        #expect(e.map(\.position) == ["3:22", "4:32", "4:39"])
        #expect(e[0].hint == "did you mean `gcs`?")
        #expect(e[2].message == "`state.path` does not apply to `backend: gcs`")
    }

    @Test func warnings() {
        let w = warnings("""
        lifecycle_policies:
          aging: [{ set_storage_class: NEARLINE, when: { age_days: 30 } }]
          now: [{ set_storage_class: COLDLINE, when: { age_days: 0 } }]
        buckets:
          aged: { lifecycle: aging }
          accepted: { lifecycle: aging, preserve_age: false }
          immediate: { lifecycle: now }
          unused: { lifecycle: aging }
        migrations:
          a: { source: "src/a/", target: "aged/" }
          b: { source: "src/b/", target: "accepted/" }
          c: { source: "src/c/", target: "immediate/" }
          d: { source: "src/d/", target: "aged/d/", cleanup: { delete_source: true } }
        """)
        #expect(w.map(\.position) == ["10:22", "18:56"])
        #expect(w[0].message.contains("bucket `aged` has age-based lifecycle rules and receives copies"))
        #expect(w[0].hint?.contains("preserve_age: true") == true)
        #expect(w[1].message.contains("without a validation period"))
    }

    @Test func aSourceNamingABucketKeyIsAWarning() {
        let w = warnings("""
        buckets: { archive: {} }
        migrations:
          a: { source: "archive/x/", target: "archive/y/" }
          b: { source: "gs://archive/z/", target: "archive/w/" }
        """)
        #expect(w.map(\.position) == ["8:16"])
        #expect(w.first?.hint == "write `gs://archive-bucket-dev/x/` for the managed bucket, or `gs://archive/x/` to keep this one")
    }

    @Test func aBrokenBucketDoesNotCascade() {
        let e = errors("""
        buckets: { t: { versioning: maybe } }
        migrations:
          m: { source: "src/a/", target: "t/" }
        """)
        #expect(e.count == 1)
    }

    @Test func syntaxErrorsStopBeforeResolution() {
        let (plan, diagnostics) = PlanText.load(files: [("a.yaml", PlanText.header), ("b.yaml", "buckets: { t: {\n")])
        #expect(plan == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location?.file == "plans/b.yaml")
    }

    @Test(arguments: ["- a\n- b\n", "just a scalar\n", "42\n"])
    func documentsThatAreNotMappings(_ text: String) {
        let (plan, diagnostics) = PlanText.load(files: [("a.yaml", PlanText.header), ("b.yaml", text)])
        #expect(plan == nil)
        #expect(diagnostics.errors.count == 1)
        #expect(diagnostics.first?.message.hasPrefix("a plan file must be a mapping of top-level keys") == true)
        #expect(diagnostics.first?.position == "1:1")
    }
}
