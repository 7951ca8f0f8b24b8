import DecantCore
@testable import DecantPlanFile
import Testing

/// One file with many different mistakes: each is reported, at its exact place,
/// and none hides another.
@Suite struct ManyMistakesTests {
    static let text = """
    decant: 1
    environments:
      dev: { project: p }
    storage: { provider: local, root: store }
    lifecycle_policies:
      cold:
        - { set_storage_class: COLDER, when: { age_days: 0 } }
    buckets:
      archive:
        lifecyle: cold
        versioning: yes
        retention_period: 30x
      bad:
        name: "Bad_${env}"
    migrations:
      one:
        source: "data-bucket-${env}/one/"
        target: "archve/one/"
      two:
        source: "data-bucket-${env}/two/"
        target: "archive/x/"
        include: ["[abc"]
        partitions: { pattern: "no_token/", range: last_week }
        verify: count
        cleanup: { delete_source: true, after: 14d }
        phase: 0
        description: "${projet}"

    """

    @Test func everyMistakeIsReportedAtItsPlace() {
        let (plan, diagnostics) = PlanText.load(Self.text)
        #expect(plan == nil)
        let found = diagnostics.map { "\($0.position) \($0.severity.rawValue)" }
        #expect(found == [
            "7:28 error",   // COLDER is not a storage class
            "10:5 error",   // lifecyle
            "11:17 error",  // yes
            "12:23 error",  // 30x
            "14:11 error",  // Bad_dev
            "18:13 error",  // archve
            "22:15 error",  // [abc
            "23:28 error",  // no date token
            "23:48 error",  // last_week
            "24:13 error",  // verify: count with delete_source
            "26:12 error",  // phase 0
            "27:18 error",  // ${projet}
        ], "\(diagnostics.map(\.description).joined(separator: "\n"))")
        let all = diagnostics.map(\.description)
        #expect(all[0].contains("`COLDER` is not a storage class; use one of STANDARD, NEARLINE, COLDLINE, ARCHIVE"))
        #expect(all[1] == "plans/plan.yaml:10:5: error: unknown key `lifecyle` in `buckets.archive`; did you mean `lifecycle`?")
        #expect(all[2].contains("must be `true` or `false`, got `yes`; decant reads only `true` and `false` as booleans; write `true`"))
        #expect(all[3].contains("`30x` is not a duration"))
        #expect(all[4].contains("`Bad_dev` is not a valid GCS bucket name in environment `dev`"))
        #expect(all[5].contains("unknown bucket key `archve`; did you mean `archive`?"))
        #expect(all[6].contains("`[abc` is not a valid glob: a '[' is never closed"))
        #expect(all[7].contains("a partition pattern needs a date token"))
        #expect(all[8].contains("`last_week` is not a date range"))
        #expect(all[9].contains("deletes its source") && all[9].contains("checksum"))
        #expect(all[10].contains("`migrations.two.phase` must be at least 1"))
        #expect(all[11].contains("unknown variable `${projet}`") && all[11].hasSuffix("did you mean `${project}`?"))
    }

    @Test func validateReportsTheSameOnce() {
        let (environments, diagnostics) = PlanText.validate(Self.text)
        #expect(environments == ["dev"])
        #expect(diagnostics.count == 12)
    }
}
