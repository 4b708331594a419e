-- Query projections: read models derived only from events (LedgerQueries). `ledger rebuild` empties
-- and replays them; their checkpoints live in projection_checkpoints. Times are kept as stored
-- (`*_at`, RFC 3339) and as Unix seconds (`*_s`) for range filters.

-- One row per build stream. `status` is running until BuildFinished; a running build whose writer
-- (see `metadata`) is gone reads as interrupted at query time.
CREATE TABLE q_builds (
    build_id TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    image TEXT NOT NULL,
    image_id TEXT,
    base_image TEXT,
    instance_type TEXT NOT NULL,
    engine TEXT,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    started_s REAL NOT NULL,
    position INTEGER NOT NULL,
    duration_s REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    fixes INTEGER NOT NULL DEFAULT 0,
    cache TEXT,
    metadata TEXT NOT NULL
);
CREATE INDEX q_builds_by_project ON q_builds (project, started_s);
CREATE INDEX q_builds_by_project_status ON q_builds (project, status, position);
CREATE INDEX q_builds_by_time ON q_builds (started_s);

-- What `ledger diff` compares: the inputs of a build.
CREATE TABLE q_build_inputs (
    build_id TEXT PRIMARY KEY,
    context TEXT NOT NULL,
    dockerfile TEXT NOT NULL,
    dockerfile_text TEXT NOT NULL,
    build_args TEXT NOT NULL,
    secret_build_args TEXT NOT NULL,
    pins TEXT NOT NULL,
    host TEXT NOT NULL
) WITHOUT ROWID;

-- One row per build attempt; `success` is null while it runs.
CREATE TABLE q_attempts (
    build_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    project TEXT NOT NULL,
    instance_type TEXT NOT NULL,
    engine TEXT NOT NULL,
    status TEXT NOT NULL,
    success INTEGER,
    started_at TEXT NOT NULL,
    started_s REAL NOT NULL,
    finish_position INTEGER,
    duration_s REAL,
    cache TEXT,
    failure_class TEXT,
    log_id TEXT NOT NULL,
    metadata TEXT NOT NULL,
    PRIMARY KEY (build_id, number)
) WITHOUT ROWID;
CREATE INDEX q_attempts_by_instance ON q_attempts (success, instance_type, cache, duration_s, project, started_s);
CREATE INDEX q_attempts_by_engine ON q_attempts (success, engine, cache, duration_s, project, started_s);
CREATE INDEX q_attempts_rolling ON q_attempts (project, instance_type, cache, finish_position)
    WHERE success = 1;

-- Per-step durations of every attempt.
CREATE TABLE q_steps (
    build_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    instruction TEXT NOT NULL,
    duration_s REAL NOT NULL,
    cached INTEGER NOT NULL,
    PRIMARY KEY (build_id, attempt, idx)
) WITHOUT ROWID;

-- Every applied fix, keyed by the position of its FixApplied event. `attempt_status` is the status of
-- the attempt the fix was applied before once it finished (null while it runs or before it starts), so
-- `ledger fixes` reads this table alone.
CREATE TABLE q_fixes (
    position INTEGER PRIMARY KEY,
    build_id TEXT NOT NULL,
    project TEXT NOT NULL,
    at TEXT NOT NULL,
    at_s REAL NOT NULL,
    attempt INTEGER NOT NULL,
    source TEXT NOT NULL,
    rule TEXT NOT NULL,
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    attempt_status TEXT
);
CREATE INDEX q_fixes_by_project ON q_fixes (project, position);
CREATE INDEX q_fixes_by_attempt ON q_fixes (build_id, attempt);

-- One row per test run stream; `status` is running until TestRunFinished.
CREATE TABLE q_test_runs (
    run_id TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    image TEXT NOT NULL,
    image_id TEXT NOT NULL,
    level TEXT NOT NULL,
    instance_type TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    started_s REAL NOT NULL,
    position INTEGER NOT NULL,
    duration_s REAL,
    passed INTEGER,
    failed INTEGER,
    skipped INTEGER,
    metadata TEXT NOT NULL
);
CREATE INDEX q_test_runs_by_project ON q_test_runs (project, started_s);
CREATE INDEX q_test_runs_by_project_position ON q_test_runs (project, position);

-- Per project, image and test: runs, runs with a failed attempt, runs with a passed attempt,
-- runs with both (passed on retry), first and last seen, and the status of the latest attempt.
CREATE TABLE q_test_stats (
    project TEXT NOT NULL,
    image_id TEXT NOT NULL,
    test TEXT NOT NULL,
    runs INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    passes INTEGER NOT NULL,
    retry_passes INTEGER NOT NULL,
    first_seen_s REAL NOT NULL,
    last_seen_s REAL NOT NULL,
    last_status TEXT NOT NULL,
    last_position INTEGER NOT NULL,
    PRIMARY KEY (project, image_id, test)
) WITHOUT ROWID;
CREATE INDEX q_test_stats_flaky ON q_test_stats (project, test, image_id, runs, failures, retry_passes,
    first_seen_s, last_seen_s) WHERE failures > 0 AND passes > 0;

-- The images each project tested, in the order they first appeared.
CREATE TABLE q_test_images (
    project TEXT NOT NULL,
    image_id TEXT NOT NULL,
    image TEXT NOT NULL,
    first_position INTEGER NOT NULL,
    PRIMARY KEY (project, image_id)
) WITHOUT ROWID;
CREATE INDEX q_test_images_order ON q_test_images (project, first_position);
