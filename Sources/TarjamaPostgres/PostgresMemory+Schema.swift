import Foundation
import PostgresNIO
import TarjamaMemory

/// Tarjama's tables in a PostgreSQL database, one frozen migration per version (SQL only,
/// applied in a transaction each, under an advisory lock).
extension PostgresMemory {
    /// The advisory lock key every Tarjama process takes while migrating ("tarjama" in ASCII).
    static let migrationLock: Int64 = 0x7461726A616D61

    static let migrations: [(name: String, sql: String)] = [
        ("v1: units, stored match tokens, term index, lexicon, memory state", """
            CREATE SEQUENCE unit_id;
            CREATE TABLE unit (
                id BIGINT PRIMARY KEY,
                source_lang TEXT NOT NULL,
                target_lang TEXT NOT NULL,
                source TEXT NOT NULL,
                target TEXT NOT NULL,
                source_hash BIGINT NOT NULL,
                pair_hash BIGINT NOT NULL,
                occurrences INTEGER NOT NULL DEFAULT 1,
                origin TEXT,
                position INTEGER,
                prev_hash BIGINT,
                next_hash BIGINT,
                confidence DOUBLE PRECISION,
                created_at TIMESTAMPTZ NOT NULL,
                changed_at TIMESTAMPTZ NOT NULL,
                created_by TEXT,
                changed_by TEXT,
                usage_count INTEGER NOT NULL DEFAULT 0,
                properties TEXT NOT NULL DEFAULT '{}',
                notes TEXT NOT NULL DEFAULT '[]',
                length INTEGER NOT NULL DEFAULT 0,
                UNIQUE (source_hash, pair_hash)
            );
            CREATE TABLE unit_tokens (id BIGINT PRIMARY KEY, length INTEGER NOT NULL, tokens BYTEA NOT NULL);
            CREATE TABLE term (id BIGSERIAL PRIMARY KEY, side SMALLINT NOT NULL, text TEXT NOT NULL,
                               units BIGINT NOT NULL, blocks INTEGER NOT NULL, UNIQUE (side, text));
            CREATE TABLE posting (term BIGINT NOT NULL, block BIGSERIAL, ids BYTEA NOT NULL, PRIMARY KEY (term, block));
            CREATE TABLE lexicon (source TEXT NOT NULL, target TEXT NOT NULL, probability REAL NOT NULL,
                                  PRIMARY KEY (source, target));
            CREATE TABLE memory_state (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), generation BIGINT NOT NULL,
                                       units BIGINT NOT NULL, lexicon_pairs BIGINT NOT NULL DEFAULT 0);
            INSERT INTO memory_state (generation, units) VALUES (0, 0);
            """),
        ("v2: access keys for served memories, shared by every server on the database", """
            CREATE TABLE access_key (id BIGSERIAL PRIMARY KEY, digest TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
                                     name TEXT NOT NULL, role TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                                     revoked_at TIMESTAMPTZ)
            """),
        ("v3: earlier targets of corrected units", """
            CREATE TABLE unit_revision (unit BIGINT NOT NULL, seq BIGSERIAL, target TEXT NOT NULL,
                                        written_at TIMESTAMPTZ NOT NULL, written_by TEXT,
                                        replaced_at TIMESTAMPTZ NOT NULL, replaced_by TEXT, PRIMARY KEY (unit, seq))
            """),
        ("v4: sightings of duplicates, so a rerun counts nothing twice", """
            CREATE TABLE unit_sighting (unit BIGINT NOT NULL, sighting BIGINT NOT NULL, PRIMARY KEY (unit, sighting))
            """),
        ("v5: alignment reviews in progress", """
            CREATE TABLE review (id TEXT PRIMARY KEY, name TEXT NOT NULL, state BYTEA NOT NULL, revision BIGINT NOT NULL,
                                 updated_at TIMESTAMPTZ NOT NULL)
            """),
    ]

    /// The schema version this build writes.
    public static var schemaVersion: Int { migrations.count }

    /// Applies the migrations the database lacks. Two processes starting at once queue on the
    /// advisory lock; the second finds the work done.
    func migrate() throws {
        let newer: Int? = try run { c in
            try await c.execute("SELECT pg_advisory_lock(\(Self.migrationLock))")
            do {
                try await c.executeScript("""
                    CREATE TABLE IF NOT EXISTS tarjama_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                                                  applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """)
                var applied = 0
                for try await (version) in try await c.query("SELECT coalesce(max(version), 0) FROM tarjama_migration", logger: Self.logger).decode(Int.self) {
                    applied = version
                }
                if applied > Self.migrations.count {
                    try await c.execute("SELECT pg_advisory_unlock(\(Self.migrationLock))")
                    return applied
                }
                for (k, migration) in Self.migrations.enumerated() where k + 1 > applied {
                    try await c.executeScript("BEGIN; " + migration.sql + "; INSERT INTO tarjama_migration (version, name) VALUES (\(k + 1), '\(migration.name)'); COMMIT")
                }
            } catch {
                _ = try? await c.executeScript("ROLLBACK")
                try? await c.execute("SELECT pg_advisory_unlock(\(Self.migrationLock))")
                throw error
            }
            try await c.execute("SELECT pg_advisory_unlock(\(Self.migrationLock))")
            return nil
        }
        if let newer {
            throw MemoryError.failed(location, "the database holds a Tarjama memory of schema v\(newer), newer than this build's v\(Self.schemaVersion); upgrade Tarjama")
        }
    }
}
