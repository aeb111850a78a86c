import Foundation
import GRDB
import TarjamaMemory
import TarjamaText

/// The memory's schema, one migration per version.
///
/// Migrations are frozen: each runs only SQL written for its own version and never calls
/// application code (a tokeniser or an index writer changes; a migration must mean tomorrow
/// what it meant when it shipped). Data derived from the units (lengths, stored match tokens,
/// the term index) is marked stale by the migrations that change its form, and rebuilt by the
/// current code in one versioned step, `reindex`, after the migrator has run.
extension SQLiteMemory {
    /// What a migration that changes derived data's form runs: the reindex step is due.
    private static let staleDerivedData = "INSERT OR REPLACE INTO meta(key, value) VALUES ('derived', '0')"

    /// The form of the derived data this build writes (`reindex` rebuilds older forms).
    /// 2: inline-code placeholders left out of source keys, hashes and tokens.
    static let derivedVersion = 2

    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1: units, exact-lookup hashes, FTS5 index on source keys") { db in
            try db.execute(sql: """
                CREATE TABLE unit (
                    id INTEGER PRIMARY KEY,
                    source_lang TEXT NOT NULL,
                    target_lang TEXT NOT NULL,
                    source TEXT NOT NULL,
                    target TEXT NOT NULL,
                    source_key TEXT NOT NULL,
                    source_hash INTEGER NOT NULL,
                    pair_hash INTEGER NOT NULL UNIQUE,
                    occurrences INTEGER NOT NULL DEFAULT 1,
                    origin TEXT,
                    position INTEGER,
                    prev_hash INTEGER,
                    next_hash INTEGER,
                    confidence REAL,
                    created_at DATETIME NOT NULL,
                    changed_at DATETIME NOT NULL,
                    created_by TEXT,
                    changed_by TEXT,
                    usage_count INTEGER NOT NULL DEFAULT 0,
                    properties TEXT NOT NULL DEFAULT '{}',
                    notes TEXT NOT NULL DEFAULT '[]'
                );
                CREATE INDEX unit_source_hash ON unit(source_hash);
                CREATE INDEX unit_origin ON unit(origin, position);
                CREATE VIRTUAL TABLE unit_fts USING fts5(source_key, content='unit', content_rowid='id',
                                                         tokenize='unicode61 remove_diacritics 0');
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        }
        m.registerMigration("v2: fuzzy-match term index with length window, target full-text index") { db in
            // Terms are the stems of words and numbers (proclitics split off, keys normalised):
            // the matcher asks this index for units sharing the query's rarest stems.
            // Contentless and detail=none: it only has to answer "which units hold this term".
            try db.execute(sql: """
                ALTER TABLE unit ADD COLUMN length INTEGER NOT NULL DEFAULT 0;
                CREATE VIRTUAL TABLE unit_terms USING fts5(terms, content='', detail=none,
                                                           tokenize='unicode61 remove_diacritics 0');
                CREATE VIRTUAL TABLE unit_terms_vocab USING fts5vocab(unit_terms, 'row');
                CREATE VIRTUAL TABLE unit_target_fts USING fts5(target, content='unit', content_rowid='id',
                                                                tokenize='unicode61 remove_diacritics 2');
                CREATE INDEX unit_length ON unit(length);
                """)
            try db.execute(sql: staleDerivedData)
        }
        m.registerMigration("v3: learned word lexicon as a table, read per document") { db in
            // The aligner needs the translations of one article's words, not all of them: a keyed
            // table answers that in milliseconds where decoding the whole lexicon took 0.5 s.
            try db.execute(sql: """
                CREATE TABLE lexicon(source TEXT NOT NULL, target TEXT NOT NULL, probability REAL NOT NULL,
                                     PRIMARY KEY(source, target)) WITHOUT ROWID;
                DELETE FROM meta WHERE key = 'lexicon';
                """)
        }
        m.registerMigration("v4: stored match tokens in a narrow table") { db in
            // Lookups decode a candidate's tokens instead of normalising its text again. A table
            // of its own (id, length, tokens) keeps what lookups read about a quarter of the unit
            // table's size, so it stays in the page cache of a million-unit memory.
            try db.execute(sql: "CREATE TABLE unit_tokens(id INTEGER PRIMARY KEY, length INTEGER NOT NULL, tokens BLOB NOT NULL)")
            try db.execute(sql: staleDerivedData)
        }
        m.registerMigration("v5: drop indexes no query uses; source concordance on the term index") { db in
            // Lookups filter lengths on candidates fetched by id, and nothing searches by origin:
            // the two indexes only cost every import a random-order b-tree insert per unit. The
            // full-text index of source keys repeated the term index (stems), which concordance
            // now reads and verifies on the key: a fifth of import time, and `والرئيس` is found
            // for `الرئيس`, which the whole-word index missed.
            try db.execute(sql: "DROP INDEX IF EXISTS unit_length; DROP INDEX IF EXISTS unit_origin; DROP TABLE IF EXISTS unit_fts;")
        }
        m.registerMigration("v6: matching keys derived, not stored") { db in
            // Exact lookup finds units by the key's hash and compares keys made from the sources
            // it reads; concordance makes them for the units it verifies. Storing a normalised
            // copy of every source made a million-unit import 15% slower.
            try db.execute(sql: "ALTER TABLE unit DROP COLUMN source_key")
        }
        m.registerMigration("v7: target index of words only, phrases verified on the text") { db in
            // Positions (detail=full) and column sizes served only target-side phrase search;
            // concordance now asks for units holding every word and checks the phrase itself.
            try db.execute(sql: """
                DROP TABLE unit_target_fts;
                CREATE VIRTUAL TABLE unit_target_fts USING fts5(target, content='unit', content_rowid='id', detail=none,
                                                                columnsize=0, tokenize='unicode61 remove_diacritics 2');
                INSERT INTO unit_target_fts(unit_target_fts) VALUES('rebuild');
                """)
        }
        m.registerMigration("v8: term index in tables of our own") { db in
            // FTS5 re-tokenised every unit's terms and merged segments throughout an import (a
            // third of the writer's time); `TermIndex` writes each term's ids once per import.
            try db.execute(sql: """
                CREATE TABLE term (id INTEGER PRIMARY KEY, side INTEGER NOT NULL, text TEXT NOT NULL,
                                   units INTEGER NOT NULL, blocks INTEGER NOT NULL, next_block INTEGER NOT NULL,
                                   UNIQUE(side, text));
                CREATE TABLE posting (term INTEGER NOT NULL, block INTEGER NOT NULL, ids BLOB NOT NULL,
                                      PRIMARY KEY(term, block)) WITHOUT ROWID;
                DROP TABLE unit_terms_vocab; DROP TABLE unit_terms;
                """)
            try db.execute(sql: staleDerivedData)
        }
        m.registerMigration("v9: one unique index on (source hash, pair hash)") { db in
            // Exact lookup needs the source hash and duplicate detection the pair hash: one index
            // on both serves the two, where two separate indexes cost every import two random
            // b-tree inserts per unit (the unique constraint on the pair hash was part of the
            // table, so the table is copied to drop it).
            let columns = """
                id, source_lang, target_lang, source, target, source_hash, pair_hash, occurrences, origin, position,
                prev_hash, next_hash, confidence, created_at, changed_at, created_by, changed_by, usage_count,
                properties, notes, length
                """
            try db.execute(sql: """
                CREATE TABLE unit_copy (
                    id INTEGER PRIMARY KEY,
                    source_lang TEXT NOT NULL,
                    target_lang TEXT NOT NULL,
                    source TEXT NOT NULL,
                    target TEXT NOT NULL,
                    source_hash INTEGER NOT NULL,
                    pair_hash INTEGER NOT NULL,
                    occurrences INTEGER NOT NULL DEFAULT 1,
                    origin TEXT,
                    position INTEGER,
                    prev_hash INTEGER,
                    next_hash INTEGER,
                    confidence REAL,
                    created_at DATETIME NOT NULL,
                    changed_at DATETIME NOT NULL,
                    created_by TEXT,
                    changed_by TEXT,
                    usage_count INTEGER NOT NULL DEFAULT 0,
                    properties TEXT NOT NULL DEFAULT '{}',
                    notes TEXT NOT NULL DEFAULT '[]',
                    length INTEGER NOT NULL DEFAULT 0
                );
                INSERT INTO unit_copy (\(columns)) SELECT \(columns) FROM unit ORDER BY id;
                DROP TABLE unit;
                ALTER TABLE unit_copy RENAME TO unit;
                CREATE UNIQUE INDEX unit_pair ON unit(source_hash, pair_hash);
                """)
        }
        m.registerMigration("v10: target words in the term index") { db in
            // FTS5's target index re-tokenised every target inside the writer (a fifth of a
            // million-unit import); its words now come prepared (`SearchWords`) into the term index.
            try db.execute(sql: "DROP TABLE unit_target_fts")
            try db.execute(sql: staleDerivedData)
        }
        m.registerMigration("v11: stored tokens with packed Arabic text") { db in
            // One byte per Arabic letter instead of two halves the table lookups read and
            // imports write; the new form is made again from each source by the reindex.
            try db.execute(sql: staleDerivedData)
        }
        m.registerMigration("v12: a generation number that every write raises") { db in
            // Long-running readers (a server's matchers) cache term frequencies and the unit
            // count; the generation tells them when another connection's write made them stale.
            try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('generation', '0')")
            // A memory that reached v11 before migrations stopped rebuilding derived data has
            // them whole (no 'derived' row yet); one that ran v2-v11 just now has the row at 0.
            try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('derived', '1')")
        }
        m.registerMigration("v13: access keys for a served memory") { db in
            // Only a key's SHA-256 digest is kept; its prefix lets people tell keys apart.
            try db.execute(sql: """
                CREATE TABLE access_key (id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
                                         name TEXT NOT NULL, role TEXT NOT NULL, created_at DATETIME NOT NULL,
                                         revoked_at DATETIME)
                """)
        }
        m.registerMigration("v14: earlier targets of corrected units") { db in
            try db.execute(sql: """
                CREATE TABLE unit_revision (unit INTEGER NOT NULL, target TEXT NOT NULL,
                                            written_at DATETIME NOT NULL, written_by TEXT,
                                            replaced_at DATETIME NOT NULL, replaced_by TEXT);
                CREATE INDEX unit_revision_unit ON unit_revision(unit)
                """)
        }
        m.registerMigration("v15: sightings of duplicates, so a rerun counts nothing twice") { db in
            // Only duplicates write here (a unit's first sighting is its own origin and
            // position): a bulk import of new units pays nothing.
            try db.execute(sql: """
                CREATE TABLE unit_sighting (unit INTEGER NOT NULL, sighting INTEGER NOT NULL,
                                            PRIMARY KEY (unit, sighting)) WITHOUT ROWID
                """)
        }
        m.registerMigration("v16: alignment reviews in progress") { db in
            try db.execute(sql: """
                CREATE TABLE review (id TEXT PRIMARY KEY, name TEXT NOT NULL, state BLOB NOT NULL,
                                     revision INTEGER NOT NULL, updated_at DATETIME NOT NULL)
                """)
        }
        return m
    }()

}
