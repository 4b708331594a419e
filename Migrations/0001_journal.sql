-- The journal: append-only events with a hash chain, and LZ4-framed log chunks.
CREATE TABLE events (
    position INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    stream_version INTEGER NOT NULL,
    type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    checksum TEXT NOT NULL,
    UNIQUE (stream, stream_version)
);
CREATE INDEX events_by_type ON events (type, position);

CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- One row per chunk of about 1 MiB raw; `frame` is one LZ4 frame with content checksum.
CREATE TABLE log_chunks (
    log_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    raw_size INTEGER NOT NULL,
    frame BLOB NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (log_id, sequence)
);
CREATE TRIGGER log_chunks_refuse_update BEFORE UPDATE ON log_chunks
BEGIN
    SELECT RAISE(ABORT, 'log chunks are append-only');
END;
CREATE TRIGGER log_chunks_refuse_delete BEFORE DELETE ON log_chunks
BEGIN
    SELECT RAISE(ABORT, 'log chunks are append-only');
END;

-- Each projection's last applied position, written in the same transaction as its rows.
CREATE TABLE projection_checkpoints (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
