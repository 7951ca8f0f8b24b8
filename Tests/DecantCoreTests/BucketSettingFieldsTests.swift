import DecantCore
import Foundation
import Testing

/// The one list of bucket settings (`BucketSettings.Field` and its slots) and what
/// goes through it: a patch made from settings, a patch applied, the stored JSON.
@Suite struct BucketSettingFieldsTests {
    /// A value of each kind, different from the zero values.
    static let full = BucketSettings(
        location: "EUROPE-WEST1", storageClass: .nearline, labels: ["use_case": "historization"], versioning: true,
        uniformAccess: true, publicAccessPrevention: "enforced", retentionPeriodSeconds: 86_400, softDeleteSeconds: 604_800,
        autoclass: true, lifecycle: [LifecycleRule(action: .setStorageClass(.coldline), condition: .init(age: 0))])

    @Test(arguments: BucketSettings.Field.allCases)
    func everyFieldReadsAndWritesItsOwnSlot(_ field: BucketSettings.Field) {
        #expect(Self.full.isSet(field))
        #expect(!BucketSettings().isSet(field))
        var cleared = Self.full
        switch field.kind {
        case .labels: cleared.labels = nil
        case .lifecycle: cleared.lifecycle = nil
        case .text, .storageClass, .flag, .seconds:
            let value = Self.full[field]
            #expect(value?.kind == field.kind)
            cleared[field] = nil
            #expect(cleared[field] == nil)
            var written = BucketSettings()
            written[field] = value
            #expect(written[field] == value && written.isSet(field))
        }
        // Clearing one field clears that field only.
        #expect(BucketSettings.Field.allCases.filter { !cleared.isSet($0) } == [field])
    }

    @Test func aPatchFromSettingsCarriesEverySettingButTheLocation() {
        let patch = BucketPatch(Self.full)
        #expect(patch.location == nil)
        for field in BucketSettings.Field.allCases where !field.isImmutable { #expect(patch.isSet(field), "\(field)") }
        let base = BucketSettings(location: "US", storageClass: .standard, labels: ["owner": "ana"])
        var expected = Self.full
        expected.location = "US"
        expected.labels = ["owner": "ana", "use_case": "historization"]
        #expect(patch.applied(to: base) == expected)
        #expect(BucketPatch(BucketSettings(location: "US")).isEmpty)
    }

    @Test func aPatchRemovesTheLabelsItSetsToNil() {
        let patch = BucketPatch(labels: ["gone": String?.none, "kept": "v"], versioning: false)
        let after = patch.applied(to: BucketSettings(labels: ["gone": "x", "other": "y"], versioning: true))
        #expect(after == BucketSettings(labels: ["kept": "v", "other": "y"], versioning: false))
    }

    /// States, saved plans and the local store hold these documents: their keys stay as they were.
    @Test func theStoredJSONKeepsItsKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let settings = String(decoding: try encoder.encode(BucketSettings(location: "US", labels: ["a": "b"], versioning: true,
                                                                          retentionPeriodSeconds: 60, softDeleteSeconds: 0)), as: UTF8.self)
        #expect(settings == #"{"labels":{"a":"b"},"location":"US","retentionPeriodSeconds":60,"softDeleteSeconds":0,"versioning":true}"#)
        let patch = String(decoding: try encoder.encode(BucketPatch(storageClass: .archive, labels: ["a": nil, "b": "c"],
                                                                    uniformAccess: false, publicAccessPrevention: "inherited",
                                                                    autoclass: true, lifecycle: [])), as: UTF8.self)
        #expect(patch == #"{"autoclass":true,"labels":{"a":null,"b":"c"},"lifecycle":[],"publicAccessPrevention":"inherited","storageClass":"ARCHIVE","uniformAccess":false}"#)
        #expect(try JSONDecoder().decode(BucketPatch.self, from: Data(patch.utf8)) == BucketPatch(
            storageClass: .archive, labels: ["a": nil, "b": "c"], uniformAccess: false, publicAccessPrevention: "inherited",
            autoclass: true, lifecycle: []))
    }

    @Test func valuesPrintAsPlansAndPlanFilesWriteThem() {
        #expect(BucketSettingValue.seconds(604_800).description == "604800" && BucketSettingValue.seconds(604_800).planFileText == "7d")
        #expect(BucketSettingValue.storageClass(.coldline).description == "COLDLINE" && BucketSettingValue.flag(false).planFileText == "false")
        #expect(BucketSettings.describe(["b": "2", "a": "1"]) == "{a: 1, b: 2}" && BucketSettings.describe([LifecycleRule]()) == "no rules")
    }
}
