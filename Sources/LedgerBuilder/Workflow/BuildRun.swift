import Foundation
import LedgerAnalysis
import LedgerEngine
import LedgerStore

/// A fix as applied to the copy, with where it came from.
struct AppliedRecord: Sendable {
    var fix: Fix
    var stored: StoredFix
}

/// The state of one build while its attempts run.
struct BuildRun {
    let store: EventStore
    let observer: BuildObserver
    let options: BuildOptions
    let buildId: String
    let project: String
    let image: String
    let copy: ContextCopy
    let redactor: SecretRedactor
    let buildKit: Bool
    let buildArgs: [String]
    let secrets: [String: String]

    var applied: [AppliedRecord] = []
    var summaries: [AttemptSummary] = []
    var success = false
    var status = "failed"
    var imageId: String?
    var networkRetries = 0

    /// Events not yet written: they are written together, in one transaction, right before the engine starts
    /// and when the build ends (each transaction costs the journal a hash, a metadata record and a commit).
    let queued = EventQueue()

    var stream: String { "build-\(buildId)" }

    /// Queues an event of this build's stream (its `occurred_at` is now).
    func append<T: DomainEvent>(_ event: T) throws {
        queued.add(try NewEvent(event, stream: stream))
    }

    /// Writes the queued events.
    func flush() throws {
        let events = queued.drain()
        if !events.isEmpty { try store.append(events) }
    }

    func recordAnalysis(_ report: AnalysisReport, context: String) throws {
        let findings = report.findings.map(StoredFinding.init)
        let id = UUID().uuidString.lowercased()
        queued.add(
            try NewEvent(
                AnalysisCompleted(
                    project: project, analysisId: id, context: context, dockerfile: options.dockerfile,
                    findings: findings, buildId: buildId),
                stream: "analysis-\(id)"))
    }

    /// `--base-image` first (a fix of its own), then the analyzer's fixes when auto-fix allows.
    mutating func applyInitialFixes(_ report: AnalysisReport?) throws {
        if let base = options.baseImage,
            let fix = try FixApplier.overrideBaseImage(base, dockerfile: options.dockerfile, inContext: copy.root)
        {
            try record([fix], source: "override", attempt: 1)
        }
        guard options.autoFix, options.analysisFixes, let report else { return }
        let fixes = report.findings.compactMap(\.fix).filter { fix in
            options.baseImage == nil || fix.kind != .baseImage
        }
        guard !fixes.isEmpty else { return }
        try record(apply(fixes), source: "analysis", attempt: 1)
    }

    mutating func record(_ fixes: [AppliedFix], source: String, attempt: Int) throws {
        for fix in fixes {
            let stored = StoredFix(fix.fix, diff: fix.diff)
            applied.append(AppliedRecord(fix: fix.fix, stored: stored))
            try append(FixApplied(project: project, buildId: buildId, attempt: attempt, source: source, fix: stored))
            observer.note?(
                "fix (\(source)): \(fix.fix.file)\(fix.fix.line.map { ":\($0)" } ?? ""): "
                    + "\(fix.fix.before) -> \(fix.fix.after)")
        }
    }

    /// Runs attempts until one succeeds, the build is interrupted, nothing changed, or attempts run out.
    mutating func attempts() async throws {
        var number = 1
        while true {
            let outcome = try await attempt(number)
            if outcome.status == "success" {
                success = true
                status = "success"
                return
            }
            if outcome.status == "interrupted" {
                status = "interrupted"
                return
            }
            guard number < max(options.maxAttempts, 1) else { return }
            if Task.isCancelled {
                status = "interrupted"
                return
            }
            if try learnFixes(from: outcome, before: number + 1) {
                number += 1
                continue
            }
            if let failure = outcome.failureClass, failure.isTransient, networkRetries == 0 {
                networkRetries += 1
                observer.note?("attempt \(number) failed with a \(failure.rawValue) failure: retrying once")
                number += 1
                continue
            }
            return
        }
    }

    private mutating func learnFixes(from outcome: AttemptOutcome, before attempt: Int) throws -> Bool {
        guard options.autoFix else { return false }
        let proposed = LogFixes.fixes(
            forLog: ANSI.strip(outcome.tail), context: copy.root, dockerfile: options.dockerfile)
        let fresh = proposed.filter { fix in !applied.contains { $0.fix == fix } }
        guard !fresh.isEmpty else { return false }
        let done = apply(fresh)
        guard !done.isEmpty else { return false }
        try record(done, source: "log", attempt: attempt)
        return true
    }

    /// Applies fixes to the copy; a fix that cannot be applied is a warning, never the end of the build.
    private func apply(_ fixes: [Fix]) -> [AppliedFix] {
        do {
            return try FixApplier.apply(fixes, inContext: copy.root)
        } catch {
            observer.note?("warning: fixes could not be applied (\(error)); building without them")
            return []
        }
    }
}

/// Events waiting for the next write (touched by the workflow only, under a lock for safety).
final class EventQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [NewEvent] = []

    func add(_ event: NewEvent) { lock.withLock { events.append(event) } }

    func drain() -> [NewEvent] {
        lock.withLock {
            defer { events.removeAll() }
            return events
        }
    }
}
