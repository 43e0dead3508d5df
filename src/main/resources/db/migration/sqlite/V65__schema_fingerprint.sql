-- The build that last migrated this database (SchemaFingerprint): a restart of the same build skips Flyway.
CREATE TABLE schema_fingerprint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL
);
