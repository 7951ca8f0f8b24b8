/// A state file written by decant at schema version 5 (built from main before the
/// compact ledger, 2026-12-02), dumped with Python's `sqlite3` `iterdump`: two real
/// applies on the local store (migration `events` copied and checksum-verified
/// five objects then deleted their sources; `scratch` copied two, size-verified,
/// no cleanup) and a `decant rollback --last` that restored serial 2's two sources
/// and removed their copies. Kept as SQL text, not a binary state file.
enum StateVersion5Fixture {
    static let sql = ##"""
BEGIN TRANSACTION;
CREATE TABLE bucket_changes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    action_id TEXT,
    previous TEXT NOT NULL,
    new TEXT NOT NULL,
    metageneration_before INTEGER,
    metageneration_after INTEGER,
    serial INTEGER NOT NULL REFERENCES runs(serial),
    changed_ms INTEGER NOT NULL,
    restored_serial INTEGER REFERENCES runs(serial),
    restored_ms INTEGER
);
CREATE TABLE code_edits (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    before_sha256 TEXT NOT NULL,
    after_sha256 TEXT NOT NULL,
    patch TEXT NOT NULL,
    before_content TEXT NOT NULL,
    after_content TEXT NOT NULL,
    migrations TEXT NOT NULL,
    serial INTEGER NOT NULL REFERENCES runs(serial),
    edited_ms INTEGER NOT NULL,
    reverted_serial INTEGER REFERENCES runs(serial),
    reverted_ms INTEGER
);
CREATE TABLE copies (
    id INTEGER PRIMARY KEY,
    migration TEXT NOT NULL,
    source_bucket TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_generation INTEGER NOT NULL,
    size INTEGER NOT NULL,
    crc32c TEXT,
    md5 TEXT,
    source_created_ms INTEGER,
    target_bucket TEXT NOT NULL,
    target_name TEXT NOT NULL,
    target_generation INTEGER NOT NULL,
    adopted INTEGER NOT NULL DEFAULT 0 CHECK (adopted IN (0, 1)),
    verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    verified_ms INTEGER,
    verify_level TEXT CHECK (verify_level IS NULL OR verify_level IN ('count', 'size', 'checksum')),
    verified_serial INTEGER REFERENCES runs(serial),
    copied_ms INTEGER NOT NULL,
    serial INTEGER NOT NULL REFERENCES runs(serial),
    removed_serial INTEGER REFERENCES runs(serial),
    removed_ms INTEGER,
    removed_reason TEXT CHECK (removed_reason IS NULL OR removed_reason IN ('rollback', 'superseded')),
    CHECK ((verified = 1) = (verify_level IS NOT NULL))
);
INSERT INTO "copies" VALUES(1,'scratch','shared','tmp/b/0000/part-0000000.parquet',1796177668459522,64,'A8jrZw==','O108fSB+N9zu7dMB414uWA==',1796177668460,'scratch-bucket-dev','t/b/0000/part-0000000.parquet',1796177668954424,0,1,1796177668969,'size',1,1796177668968,1,NULL,NULL,NULL);
INSERT INTO "copies" VALUES(2,'scratch','shared','tmp/b/0000/part-0000001.parquet',1796177668459523,64,'hP/qSg==','ZGYiwZv9s1oiqXVo/UqdgQ==',1796177668460,'scratch-bucket-dev','t/b/0000/part-0000001.parquet',1796177668968399,0,1,1796177668969,'size',1,1796177668969,1,NULL,NULL,NULL);
INSERT INTO "copies" VALUES(3,'events','shared','events/a/0000/part-0000000.parquet',1796177668215858,64,'A8jrZw==','O108fSB+N9zu7dMB414uWA==',1796177668216,'archive-bucket-dev','copy/a/0000/part-0000000.parquet',1796177668955367,0,1,1796177669033,'checksum',1,1796177669032,1,NULL,NULL,NULL);
INSERT INTO "copies" VALUES(4,'events','shared','events/a/0000/part-0000001.parquet',1796177668215859,64,'hP/qSg==','ZGYiwZv9s1oiqXVo/UqdgQ==',1796177668216,'archive-bucket-dev','copy/a/0000/part-0000001.parquet',1796177669031733,0,1,1796177669033,'checksum',1,1796177669032,1,NULL,NULL,NULL);
INSERT INTO "copies" VALUES(5,'events','shared','events/a/0000/part-0000002.parquet',1796177668215860,64,'K66cQA==','gt4FOxeuS6TD8rdffwTDCw==',1796177668216,'archive-bucket-dev','copy/a/0000/part-0000002.parquet',1796177669032028,0,1,1796177669033,'checksum',1,1796177669032,1,NULL,NULL,NULL);
INSERT INTO "copies" VALUES(6,'events','shared','events/c/0000/part-0000000.parquet',1796177672136735,64,'A8jrZw==','O108fSB+N9zu7dMB414uWA==',1796177671239,'archive-bucket-dev','copy/c/0000/part-0000000.parquet',1796177671586465,0,1,1796177671592,'checksum',2,1796177671591,2,3,1796177672179,'rollback');
INSERT INTO "copies" VALUES(7,'events','shared','events/c/0000/part-0000001.parquet',1796177672163527,64,'hP/qSg==','ZGYiwZv9s1oiqXVo/UqdgQ==',1796177671239,'archive-bucket-dev','copy/c/0000/part-0000001.parquet',1796177671591177,0,1,1796177671592,'checksum',2,1796177671591,2,3,1796177672179,'rollback');
CREATE TABLE copy_intents (
    id INTEGER PRIMARY KEY,
    serial INTEGER NOT NULL REFERENCES runs(serial),
    action_id TEXT NOT NULL,
    source_bucket TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_generation INTEGER NOT NULL,
    target_bucket TEXT NOT NULL,
    target_name TEXT NOT NULL,
    expected_generation INTEGER NOT NULL,
    started_ms INTEGER NOT NULL
);
CREATE TABLE created_buckets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    project TEXT,
    settings TEXT NOT NULL,
    serial INTEGER NOT NULL REFERENCES runs(serial),
    created_ms INTEGER NOT NULL,
    deleted_serial INTEGER REFERENCES runs(serial),
    deleted_ms INTEGER
);
INSERT INTO "created_buckets" VALUES(1,'archive-bucket-dev',NULL,'{"location":"EUROPE-WEST1"}',1,1796177668953,NULL,NULL);
INSERT INTO "created_buckets" VALUES(2,'scratch-bucket-dev',NULL,'{"location":"EUROPE-WEST1"}',1,1796177668954,NULL,NULL);
CREATE TABLE deletions (
    id INTEGER PRIMARY KEY,
    bucket TEXT NOT NULL,
    name TEXT NOT NULL,
    generation INTEGER NOT NULL,
    copy_id INTEGER NOT NULL REFERENCES copies(id),
    serial INTEGER NOT NULL REFERENCES runs(serial),
    deleted_ms INTEGER NOT NULL,
    restored_serial INTEGER REFERENCES runs(serial),
    restored_generation INTEGER,
    restored_ms INTEGER
, pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)));
INSERT INTO "deletions" VALUES(1,'shared','events/a/0000/part-0000000.parquet',1796177668215858,3,1,1796177669034,NULL,NULL,NULL,0);
INSERT INTO "deletions" VALUES(2,'shared','events/a/0000/part-0000001.parquet',1796177668215859,4,1,1796177669034,NULL,NULL,NULL,0);
INSERT INTO "deletions" VALUES(3,'shared','events/a/0000/part-0000002.parquet',1796177668215860,5,1,1796177669034,NULL,NULL,NULL,0);
INSERT INTO "deletions" VALUES(4,'shared','events/c/0000/part-0000000.parquet',1796177671239402,6,2,1796177671593,3,1796177672136735,1796177672164,0);
INSERT INTO "deletions" VALUES(5,'shared','events/c/0000/part-0000001.parquet',1796177671239403,7,2,1796177671593,3,1796177672163527,1796177672164,0);
CREATE TABLE journal (
    serial INTEGER NOT NULL REFERENCES runs(serial),
    action_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    migration TEXT,
    bucket TEXT,
    state TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 1,
    started_ms INTEGER NOT NULL,
    finished_ms INTEGER,
    planned_objects INTEGER NOT NULL DEFAULT 0,
    planned_bytes INTEGER NOT NULL DEFAULT 0,
    objects INTEGER,
    bytes INTEGER,
    error TEXT,
    PRIMARY KEY (serial, action_id)
) WITHOUT ROWID;
INSERT INTO "journal" VALUES(1,'copy:events:0001','copy','events','archive-bucket-dev','done',1,1796177668955,1796177669032,3,192,3,192,NULL);
INSERT INTO "journal" VALUES(1,'copy:scratch:0001','copy','scratch','scratch-bucket-dev','done',1,1796177668954,1796177668969,2,128,2,128,NULL);
INSERT INTO "journal" VALUES(1,'create_bucket:archive-bucket-dev','create_bucket',NULL,'archive-bucket-dev','done',1,1796177668875,1796177668953,0,0,1,0,NULL);
INSERT INTO "journal" VALUES(1,'create_bucket:scratch-bucket-dev','create_bucket',NULL,'scratch-bucket-dev','done',1,1796177668876,1796177668954,0,0,1,0,NULL);
INSERT INTO "journal" VALUES(1,'delete_source:events:0001','delete_source','events','shared','done',1,1796177669033,1796177669037,3,192,3,192,NULL);
INSERT INTO "journal" VALUES(1,'verify:events:0001','verify','events','archive-bucket-dev','done',1,1796177669032,1796177669033,3,192,3,192,NULL);
INSERT INTO "journal" VALUES(1,'verify:scratch:0001','verify','scratch','scratch-bucket-dev','done',1,1796177668969,1796177668970,2,128,2,128,NULL);
INSERT INTO "journal" VALUES(2,'copy:events:0001','copy','events','archive-bucket-dev','done',1,1796177671585,1796177671592,2,128,2,128,NULL);
INSERT INTO "journal" VALUES(2,'delete_source:events:0001','delete_source','events','shared','done',1,1796177671593,1796177671603,2,128,2,128,NULL);
INSERT INTO "journal" VALUES(2,'verify:events:0001','verify','events','archive-bucket-dev','done',1,1796177671592,1796177671593,2,128,2,128,NULL);
INSERT INTO "journal" VALUES(3,'delete_copy:events:0001','delete_copy','events','archive-bucket-dev','done',1,1796177672164,1796177672179,2,128,2,128,NULL);
INSERT INTO "journal" VALUES(3,'restore_object:events:0001','restore_object','events','shared','done',1,1796177672135,1796177672164,2,128,2,128,NULL);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO "meta" VALUES('created_ms','1796177668782');
INSERT INTO "meta" VALUES('lineage','bbf65555-dc50-4b2c-b456-9c202def3e9c');
CREATE TABLE runs (
    serial INTEGER PRIMARY KEY CHECK (serial > 0),
    kind TEXT NOT NULL CHECK (kind IN ('apply', 'rollback')),
    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    started_ms INTEGER NOT NULL,
    finished_ms INTEGER,
    plan_digest TEXT,
    input_digest TEXT,
    user TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    decant_version TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}',
    rollback_to INTEGER CHECK (rollback_to IS NULL OR (rollback_to >= 0 AND rollback_to < serial)), pinned_now_ms INTEGER, deletes_by_pinned_now INTEGER NOT NULL DEFAULT 0 CHECK (deletes_by_pinned_now IN (0, 1)),
    CHECK ((kind = 'rollback') = (rollback_to IS NOT NULL))
);
INSERT INTO "runs" VALUES(1,'apply','succeeded',1796177668867,1796177669038,'679bc6da890ae108308373c916791c29b87f9152148499e0e5fbf2a4b3f99b08','679bc6da890ae108308373c916791c29b87f9152148499e0e5fbf2a4b3f99b08','root','vm',24713,'0.1.0','{"actions_failed":0,"actions_skipped":0,"actions_succeeded":7,"bytes_copied":320,"objects_copied":5,"objects_deleted":3}',NULL,NULL,0);
INSERT INTO "runs" VALUES(2,'apply','succeeded',1796177671572,1796177671605,'679bc6da890ae108308373c916791c29b87f9152148499e0e5fbf2a4b3f99b08','679bc6da890ae108308373c916791c29b87f9152148499e0e5fbf2a4b3f99b08','root','vm',24806,'0.1.0','{"actions_failed":0,"actions_skipped":0,"actions_succeeded":3,"bytes_copied":128,"objects_copied":2,"objects_deleted":2}',NULL,NULL,0);
INSERT INTO "runs" VALUES(3,'rollback','succeeded',1796177672091,1796177672180,'ddc069f867034d04cc779aa9bc07169a2d8f9b4ee0c5d01a304dcc3385f231d3','ddc069f867034d04cc779aa9bc07169a2d8f9b4ee0c5d01a304dcc3385f231d3','root','vm',24815,'0.1.0','{"actions_failed":0,"actions_skipped":0,"actions_succeeded":2,"bytes_copied":128,"objects_copied":2,"objects_deleted":2}',1,NULL,0);
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
INSERT INTO "schema_migrations" VALUES(1,'2026-12-02T02:14:28Z');
INSERT INTO "schema_migrations" VALUES(2,'2026-12-02T02:14:28Z');
INSERT INTO "schema_migrations" VALUES(3,'2026-12-02T02:14:28Z');
INSERT INTO "schema_migrations" VALUES(4,'2026-12-02T02:14:28Z');
INSERT INTO "schema_migrations" VALUES(5,'2026-12-02T02:14:28Z');
CREATE INDEX journal_by_state ON journal (state, serial);
CREATE UNIQUE INDEX created_buckets_live ON created_buckets (name) WHERE deleted_serial IS NULL;
CREATE INDEX bucket_changes_by_name ON bucket_changes (name, serial);
CREATE UNIQUE INDEX copies_current ON copies
    (source_bucket, source_name, source_generation, target_bucket, target_name)
    WHERE removed_serial IS NULL;
CREATE INDEX copies_by_target ON copies (target_bucket, target_name);
CREATE UNIQUE INDEX deletions_by_object ON deletions (bucket, name, generation);
CREATE INDEX deletions_by_serial ON deletions (serial);
CREATE INDEX code_edits_by_path ON code_edits (path, serial);
CREATE INDEX deletions_pending ON deletions (pending) WHERE pending = 1;
CREATE INDEX copy_intents_by_target ON copy_intents (target_bucket, target_name);
COMMIT;
"""##
}
