import DecantCore
import DecantRender
import Foundation
import Testing

/// The state views and the apply report against their golden files (written by the
/// CLI's views before they moved here), and the versioned state JSON documents.
@Suite struct StateRenderTests {
    let f = StateFixtures.self

    @Test func historyText() throws {
        try Golden.check(StateTextRenderer().history(f.history()), "state-history.txt")
    }

    @Test func listText() throws {
        let listing = StateListing(createdBuckets: f.createdBuckets(), bucketChanges: f.bucketChanges(), migrations: f.migrations(),
                                   codeEdits: f.codeEdits())
        try Golden.check(StateTextRenderer().list(listing), "state-list.txt")
    }

    @Test func showText() throws {
        let text = StateTextRenderer()
        try Golden.check(text.show(location: "state/dev.db", stats: f.stats(), lock: f.lock())
                         + text.show(location: "gs://decant-state-dev/data-platform/dev.db", stats: f.stats(), lock: nil), "state-show.txt")
    }

    @Test func emptyText() throws {
        try Golden.check(StateTextRenderer().history([]) + StateTextRenderer().list(StateListing()), "state-empty.txt")
    }

    @Test func applyReport() throws {
        let (succeeded, failed) = f.applyResults()
        let plain = ApplyTextRenderer()
        try Golden.check(plain.render(succeeded) + plain.render(failed) + plain.render(succeeded, kind: .rollback)
                         + plain.render(failed, kind: .rollback), "apply.txt")
        try Golden.check(ApplyTextRenderer(color: true).render(failed), "apply-color.txt")
    }

    func document(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    var renderer: StateJSONRenderer {
        StateJSONRenderer(environment: "dev", location: "state/dev.db", lineage: f.stats().lineage, serial: 6, decantVersion: "0.0.0-test")
    }

    /// Every view is a versioned document with the same header, and only its own sections.
    @Test func jsonDocumentsAreVersioned() throws {
        let listing = StateListing(createdBuckets: f.createdBuckets(), bucketChanges: f.bucketChanges(), migrations: f.migrations(),
                                   codeEdits: f.codeEdits())
        let history = renderer.history(f.history()), list = renderer.list(listing), show = renderer.show(f.stats(), lock: f.lock())
        try Golden.check(history, "state-history.json")
        try Golden.check(list, "state-list.json")
        try Golden.check(show, "state-show.json")
        for (json, sections) in [(history, ["runs"]), (list, ["created_buckets", "bucket_changes", "migrations", "code_edits"]),
                                 (show, ["stats", "lock"])] {
            let object = try document(json)
            #expect(object["format_version"] as? String == "1")
            #expect(object["environment"] as? String == "dev")
            let state = try #require(object["state"] as? [String: Any])
            #expect(state["location"] as? String == "state/dev.db" && state["serial"] as? Int == 6
                    && state["lineage"] as? String == f.stats().lineage)
            let known: Set = ["format_version", "decant_version", "environment", "state"]
            #expect(Set(object.keys).subtracting(known) == Set(sections), "\(json)")
        }
    }

    /// The history document holds what the text shows: counts, the lost lock, the pinned clock.
    @Test func historyJSONCarriesWhatTheTextSays() throws {
        let runs = try #require(try document(renderer.history(f.history()))["runs"] as? [[String: Any]])
        #expect(runs.map { $0["serial"] as? Int } == [1, 2, 3, 4, 5, 6])
        let first = try #require((runs[0]["ledger"] as? [String: Any]))
        #expect(first["objects_copied"] as? Int == 1204 && first["bytes_copied"] as? Int == 3_435_973_837)
        #expect(runs[2]["lock_lost"] as? Bool == true && runs[0]["lock_lost"] as? Bool == false)
        #expect((runs[2]["actions"] as? [String: Any])?["unfinished"] as? Int == 1)
        #expect(runs[1]["pinned_now"] as? String == "2026-12-16T00:00:00.000Z" && runs[1]["deletes_by_pinned_now"] as? Bool == true)
        #expect(runs[4]["rollback_to"] as? Int == 0 && runs[0]["rollback_to"] == nil)
        #expect(runs[5]["finished"] == nil && runs[5]["status"] as? String == "running")
    }

    /// A bucket change lists only the settings that differ, as the plan printed them.
    @Test func bucketChangesListTheirFields() throws {
        let list = try document(renderer.list(StateListing(bucketChanges: f.bucketChanges())))
        let change = try #require((list["bucket_changes"] as? [[String: Any]])?.first)
        let fields = try #require(change["fields"] as? [[String: Any]])
        #expect(fields.map { $0["field"] as? String } == ["storage_class", "labels"])
        #expect(fields.last?["before"] as? String == "{owner: ana}" && fields.last?["after"] as? String == "{owner: ana, use_case: seed-data}")
        #expect((list["created_buckets"] as? [Any])?.isEmpty == true)
    }

    /// No state yet: the same documents, empty, with serial 0 and no lineage.
    @Test func noStateYet() throws {
        let empty = StateJSONRenderer(environment: "dev", location: "state/dev.db", lineage: nil, serial: 0)
        let history = try document(empty.history([]))
        #expect(history["runs"] as? [Any] != nil && (history["runs"] as? [Any])?.isEmpty == true)
        #expect((history["state"] as? [String: Any])?["lineage"] == nil && (history["state"] as? [String: Any])?["serial"] as? Int == 0)
        let show = try document(empty.show(nil, lock: nil))
        #expect(show["stats"] == nil && show["lock"] == nil && show["format_version"] as? String == "1")
    }
}
