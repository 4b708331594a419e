import GRDB
import LedgerStore

/// `BuildProjection` replayed in one pass over the journal: each payload is read once in Swift, the rows are
/// kept in memory with the effect of every statement of ``BuildProjection/statements`` applied event by event, and
/// written at the end in key order.
///
/// The rows equal those of the SQL statements (`ProjectionTests` holds rebuild == incremental); an event this
/// replay cannot read exactly as SQLite would throws ``ReplayFallback`` before anything is written.
struct BuildReplay: EventFold {
    struct Build {
        var id: Int32
        var project: String
        var image: String
        var imageID: String?
        var baseImage: String?
        var instanceType: String
        var engine: String?
        var status = "running"
        var startedAt: String
        var startedS: Double
        var position: Int64
        var durationS: Payload.JSONNumber?
        var attempts: Int64 = 0
        var fixes: Int64 = 0
        var cache: String?
        var metadata: Int32
    }

    /// A `q_build_inputs` row (one per build, like `q_builds`).
    struct Inputs {
        var build: Int32
        var context: String
        var dockerfile: String
        var dockerfileText: String
        var buildArgs: String
        var secretBuildArgs: String
        var pins: String
        var host: String
    }

    struct AttemptKey: Hashable {
        var build: Int32
        var number: Int64
    }

    struct Attempt {
        var key: AttemptKey
        var project: String
        var instanceType: String
        var engine: String
        var status: String
        var success: Int64?
        var startedAt: String
        var startedS: Double
        var finishPosition: Int64?
        var durationS: Payload.JSONNumber?
        var cache: String?
        var failureClass: String?
        var logID: String
        var metadata: Int32
    }

    struct StepKey: Hashable {
        var build: Int32
        var attempt: Int64
        var index: Int64
    }

    struct Step {
        var key: StepKey
        var instruction: Int32
        var durationS: Payload.JSONNumber?
        var cached: Bool
    }

    struct Fix {
        var position: Int64
        var build: Int32
        var project: String
        var at: String
        var atS: Double
        var attempt: Int64
        var source: String
        var rule: String
        var kind: String
        var file: String
        var line: Int64?
        var before: String
        var after: String
        var attemptStatus: String?
    }

    /// Build ids (and instructions) by number, so rows hold small integers.
    var ids = Interner()
    var instructions = Interner()
    var metadata = Interner()
    /// The q_builds row of each build id, by interned id (-1: none).
    var buildRow: [Int] = []
    var builds: [Build] = []
    var inputs: [Inputs] = []
    var attemptRow: [AttemptKey: Int] = [:]
    var attempts: [Attempt] = []
    var stepRow: [StepKey: Int] = [:]
    var steps: [Step] = []
    var fixes: [Fix] = []
    var fixesOfAttempt: [AttemptKey: [Int]] = [:]
    /// Whether the rows are in key order (after the last event only: row indexes change).
    var sorted = false

    static let types = BuildProjection.order.map { Array($0.utf8) }
    static let keys = Payload.Keys([
        "build_id", "project", "image", "base_image", "host", "context", "dockerfile", "dockerfile_text", "build_args",
        "secret_build_args", "pins", "number", "log_id", "attempt", "index", "instruction", "duration_s", "cached",
        "status", "success", "cache", "failure_class", "image_id", "source", "fix", "attempts",
    ])
    static let hostKeys = Payload.Keys(["instance_type", "engine_version"])
    static let fixKeys = Payload.Keys(["rule", "kind", "file", "line", "before", "after"])

    /// Field slots in ``keys``.
    enum F {
        static let buildID = 0, project = 1, image = 2, baseImage = 3, host = 4, context = 5, dockerfile = 6
        static let dockerfileText = 7, buildArgs = 8, secretBuildArgs = 9, pins = 10, number = 11, logID = 12
        static let attempt = 13, index = 14, instruction = 15, durationS = 16, cached = 17, status = 18
        static let success = 19, cache = 20, failureClass = 21, imageID = 22, source = 23, fix = 24, attempts = 25
    }

    /// Applies one event of `BuildProjection.order[type]`, as its statements would.
    mutating func apply(type: Int, _ p: Payload, _ event: StoredEventBytes) throws {
        let position = event.position
        switch type {
        case 0:  // BuildStarted
            guard let id = try build(p) else { return }
            guard buildRow[Int(id)] < 0 else { return }
            let host = try p.nested(F.host, keys: Self.hostKeys)
            buildRow[Int(id)] = builds.count
            builds.append(
                Build(
                    id: id, project: try p.string(F.project) ?? "", image: try p.string(F.image) ?? "",
                    baseImage: try p.string(F.baseImage), instanceType: try host?.string(0) ?? "unknown",
                    engine: try host?.string(1), startedAt: String(decoding: event.occurredAt, as: UTF8.self),
                    startedS: try SQLiteTime.seconds(event.occurredAt), position: position,
                    metadata: try metadata.id(event.metadata)))
            inputs.append(
                Inputs(
                    build: id, context: try p.string(F.context) ?? "", dockerfile: try p.string(F.dockerfile) ?? "",
                    dockerfileText: try p.string(F.dockerfileText) ?? "", buildArgs: try p.json(F.buildArgs) ?? "{}",
                    secretBuildArgs: try p.json(F.secretBuildArgs) ?? "[]", pins: try p.json(F.pins) ?? "{}",
                    host: try p.json(F.host) ?? "{}"))
        case 1:  // BuildAttemptStarted
            guard let id = try build(p) else { return }
            // The attempts update would set NULL into a NOT NULL column: leave that failure to SQL.
            guard let number = try p.integer(F.number) else {
                throw ReplayFallback(reason: "an attempt without number")
            }
            let key = AttemptKey(build: id, number: number)
            let build = row(key.build)
            if attemptRow[key] == nil {
                attemptRow[key] = attempts.count
                attempts.append(
                    Attempt(
                        key: key, project: try p.string(F.project) ?? "",
                        instanceType: build.map { builds[$0].instanceType } ?? "unknown",
                        engine: build.flatMap { builds[$0].engine } ?? "unknown", status: "running", success: nil,
                        startedAt: String(decoding: event.occurredAt, as: UTF8.self),
                        startedS: try SQLiteTime.seconds(event.occurredAt),
                        logID: try p.string(F.logID) ?? "", metadata: try metadata.id(event.metadata)))
            }
            if let build { builds[build].attempts = max(builds[build].attempts, number) }
        case 2:  // BuildStepFinished
            let key = StepKey(
                build: try build(p) ?? intern(ids.id("")), attempt: try p.integer(F.attempt) ?? 0,
                index: try p.integer(F.index) ?? 0)
            let step = Step(
                key: key, instruction: try p.id(F.instruction, in: &instructions) ?? instructions.id(""),
                durationS: try p.number(F.durationS), cached: try p.bool(F.cached) ?? false)
            if let existing = stepRow[key] {
                steps[existing] = step
            } else {
                stepRow[key] = steps.count
                steps.append(step)
            }
        case 3:  // BuildAttemptFinished
            guard let id = try build(p) else { return }
            let build = row(id)
            let success = try p.bool(F.success)
            let status = try p.string(F.status) ?? (success == true ? "success" : "failed")
            let cache = try p.string(F.cache)
            if let number = try p.integer(F.number) {
                let key = AttemptKey(build: id, number: number)
                let durationS = try p.number(F.durationS)
                let failureClass = try p.string(F.failureClass)
                if let existing = attemptRow[key] {
                    attempts[existing].status = status
                    attempts[existing].success = success == true ? 1 : 0
                    attempts[existing].finishPosition = position
                    attempts[existing].durationS = durationS
                    attempts[existing].cache = cache
                    attempts[existing].failureClass = failureClass
                } else {
                    attemptRow[key] = attempts.count
                    attempts.append(
                        Attempt(
                            key: key, project: try p.string(F.project) ?? "",
                            instanceType: build.map { builds[$0].instanceType } ?? "unknown",
                            engine: build.flatMap { builds[$0].engine } ?? "unknown", status: status,
                            success: success == true ? 1 : 0,
                            startedAt: String(decoding: event.occurredAt, as: UTF8.self),
                            startedS: try SQLiteTime.seconds(event.occurredAt), finishPosition: position,
                            durationS: durationS, cache: cache, failureClass: failureClass,
                            logID: try p.string(F.logID) ?? "", metadata: try metadata.id(event.metadata)))
                }
                for fix in fixesOfAttempt[key] ?? [] { fixes[fix].attemptStatus = status }
            }
            if let build {
                builds[build].cache = cache
                if let imageID = try p.string(F.imageID) { builds[build].imageID = imageID }
            }
        case 4:  // FixApplied
            guard let id = try build(p) else { return }
            let attempt = try p.integer(F.attempt) ?? 1
            let key = AttemptKey(build: id, number: attempt)
            let fix = try p.nested(F.fix, keys: Self.fixKeys)
            let status = attemptRow[key].map { attempts[$0].status }
            fixesOfAttempt[key, default: []].append(fixes.count)
            fixes.append(
                Fix(
                    position: position, build: id, project: try p.string(F.project) ?? "",
                    at: String(decoding: event.occurredAt, as: UTF8.self),
                    atS: try SQLiteTime.seconds(event.occurredAt), attempt: attempt,
                    source: try p.string(F.source) ?? "", rule: try fix?.string(0) ?? "",
                    kind: try fix?.string(1) ?? "",
                    file: try fix?.string(2) ?? "", line: try fix?.integer(3), before: try fix?.string(4) ?? "",
                    after: try fix?.string(5) ?? "", attemptStatus: status == "running" ? nil : status))
            if let build = row(id) { builds[build].fixes += 1 }
        default:  // BuildFinished
            guard let id = try build(p), let build = row(id) else { return }
            let success = try p.bool(F.success)
            builds[build].status = try p.string(F.status) ?? (success == true ? "success" : "failed")
            if let image = try p.string(F.image), !image.isEmpty { builds[build].image = image }
            if let imageID = try p.string(F.imageID) { builds[build].imageID = imageID }
            builds[build].durationS = try p.number(F.durationS)
            builds[build].attempts = max(builds[build].attempts, try p.integer(F.attempts) ?? 0)
        }
    }

    /// The interned build id of the payload (nil when absent or null).
    mutating func build(_ p: Payload) throws -> Int32? {
        guard let id = try p.id(F.buildID, in: &ids) else { return nil }
        return intern(id)
    }

    /// Makes room for a newly interned build id.
    mutating func intern(_ id: Int32) -> Int32 {
        while buildRow.count <= Int(id) { buildRow.append(-1) }
        return id
    }

    func row(_ id: Int32) -> Int? {
        let index = buildRow[Int(id)]
        return index < 0 ? nil : index
    }

    /// Writes the rows held in memory, each table in its key order.
    /// Puts inputs, attempts and steps in their tables' key order (on the replay's own thread).
    mutating func sortForWrite() {
        guard !sorted else { return }
        let rank = ids.ranks()
        inputs.sort { rank[Int($0.build)] < rank[Int($1.build)] }
        attempts.sort { (rank[Int($0.key.build)], $0.key.number) < (rank[Int($1.key.build)], $1.key.number) }
        steps.sort {
            (rank[Int($0.key.build)], $0.key.attempt, $0.key.index) < (
                rank[Int($1.key.build)], $1.key.attempt, $1.key.index
            )
        }
        sorted = true
    }

    mutating func write(in db: Database) throws {
        sortForWrite()
        let insertBuild = try RawStatement(
            """
            INSERT INTO q_builds (build_id, project, image, image_id, base_image, instance_type, engine, status,
                started_at, started_s, position, duration_s, attempts, fixes, cache, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        for build in builds {
            let s = insertBuild
            s.bind(1, ids, build.id)
            s.bind(2, build.project)
            s.bind(3, build.image)
            s.bind(4, build.imageID)
            s.bind(5, build.baseImage)
            s.bind(6, build.instanceType)
            s.bind(7, build.engine)
            s.bind(8, build.status)
            s.bind(9, build.startedAt)
            s.bind(10, build.startedS)
            s.bind(11, build.position)
            s.bind(12, build.durationS)
            s.bind(13, build.attempts)
            s.bind(14, build.fixes)
            s.bind(15, build.cache)
            s.bind(16, metadata, build.metadata)
            try s.execute()
        }
        let insertInputs = try RawStatement(
            """
            INSERT INTO q_build_inputs (build_id, context, dockerfile, dockerfile_text, build_args, secret_build_args,
                pins, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        for row in inputs {
            let s = insertInputs
            s.bind(1, ids, row.build)
            s.bind(2, row.context)
            s.bind(3, row.dockerfile)
            s.bind(4, row.dockerfileText)
            s.bind(5, row.buildArgs)
            s.bind(6, row.secretBuildArgs)
            s.bind(7, row.pins)
            s.bind(8, row.host)
            try s.execute()
        }
        let insertAttempt = try RawStatement(
            """
            INSERT INTO q_attempts (build_id, number, project, instance_type, engine, status, success, started_at,
                started_s, finish_position, duration_s, cache, failure_class, log_id, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        for attempt in attempts {
            let s = insertAttempt
            s.bind(1, ids, attempt.key.build)
            s.bind(2, attempt.key.number)
            s.bind(3, attempt.project)
            s.bind(4, attempt.instanceType)
            s.bind(5, attempt.engine)
            s.bind(6, attempt.status)
            s.bind(7, attempt.success)
            s.bind(8, attempt.startedAt)
            s.bind(9, attempt.startedS)
            s.bind(10, attempt.finishPosition)
            s.bind(11, attempt.durationS)
            s.bind(12, attempt.cache)
            s.bind(13, attempt.failureClass)
            s.bind(14, attempt.logID)
            s.bind(15, metadata, attempt.metadata)
            try s.execute()
        }
        let insertStep = try RawStatement(
            "INSERT INTO q_steps (build_id, attempt, idx, instruction, duration_s, cached) VALUES (?, ?, ?, ?, ?, ?)",
            in: db)
        for step in steps {
            let s = insertStep
            s.bind(1, ids, step.key.build)
            s.bind(2, step.key.attempt)
            s.bind(3, step.key.index)
            s.bind(4, instructions, step.instruction)
            s.bind(5, step.durationS ?? .integer(0))
            s.bind(6, step.cached)
            try s.execute()
        }
        let insertFix = try RawStatement(
            """
            INSERT INTO q_fixes (position, build_id, project, at, at_s, attempt, source, rule, kind, file, line,
                before, after, attempt_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        for fix in fixes {
            let s = insertFix
            s.bind(1, fix.position)
            s.bind(2, ids, fix.build)
            s.bind(3, fix.project)
            s.bind(4, fix.at)
            s.bind(5, fix.atS)
            s.bind(6, fix.attempt)
            s.bind(7, fix.source)
            s.bind(8, fix.rule)
            s.bind(9, fix.kind)
            s.bind(10, fix.file)
            s.bind(11, fix.line)
            s.bind(12, fix.before)
            s.bind(13, fix.after)
            s.bind(14, fix.attemptStatus)
            try s.execute()
        }
    }
}
