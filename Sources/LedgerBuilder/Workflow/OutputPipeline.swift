import Foundation
import LedgerEngine
import LedgerStore

/// What streams out of one attempt: the engine's output (both streams on one pipe), read in blocks on the
/// reader's thread, is cut at line ends, redacted, parsed into steps, echoed (redacted) to whoever watches,
/// and handed to a ``ChunkWriter`` in chunks of about 1 MiB (or what arrived in the last second, when output
/// is slow), which compresses and stores them on its own thread.
///
/// Blocks are handled in place: the complete lines of a block are redacted straight into the chunk being
/// filled (the one copy), and only a line cut by the end of a block waits in `pending`. The reader calls
/// this type serially; the attempt reads `parser`, `tailText` and `error` after the reader has finished.
final class OutputPipeline: OutputBlockSink, @unchecked Sendable {
    private let log: LogWriter
    private let redactor: SecretRedactor
    private let echo: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    private let onSteps: ([BuildStep]) -> Void
    private let writer: ChunkWriter
    /// The chunk being filled: redacted, complete lines.
    private var chunk: [UInt8] = []
    /// Chunks already written, newest last, kept (not copied) while they are within the tail.
    private var recent: [[UInt8]] = []
    private var recentBytes = 0
    /// The start of a line whose end has not arrived yet.
    private var pending: [UInt8] = []
    private var finishedSteps: [BuildStep] = []
    private var lastWrite = ContinuousClock.now
    private(set) var parser = BuildOutputParser()
    private(set) var error: (any Error)?

    /// Bytes of log kept for classifying a failure and learning fixes from it.
    static let tailLimit = 512 << 10
    /// A line longer than this (output without newlines) is cut, so memory stays bounded.
    static let lineLimit = 1 << 20
    /// What of a cut line stays behind to meet the next output.
    static let lineOverlap = 64 << 10
    /// Slow output is written at least this often, so an interrupted build keeps its log up to then.
    static let writeInterval = Duration.seconds(1)

    init(
        log: LogWriter, redactor: SecretRedactor, echo: (@Sendable (UnsafeRawBufferPointer) -> Void)?,
        onSteps: @escaping ([BuildStep]) -> Void
    ) {
        self.log = log
        self.redactor = redactor
        self.echo = echo
        self.onSteps = onSteps
        writer = ChunkWriter(log: log)
        chunk.reserveCapacity(LogWriter.chunkSize + LogWriter.chunkSize / 4)
    }

    /// Takes one block of engine output: its complete lines go through, the cut one waits.
    func consume(_ block: UnsafeRawBufferPointer, at now: ContinuousClock.Instant) {
        let bytes = block.bindMemory(to: UInt8.self)
        guard let base = bytes.baseAddress, let end = Self.endOfLastLine(bytes) else {
            pending.append(contentsOf: bytes)
            if pending.count > Self.lineLimit { takeLongLinePart(now) }
            writeIfDue(now)
            return
        }
        var start = 0
        if !pending.isEmpty, let first = memchr(base, 0x0A, bytes.count) {
            let end = base.distance(to: first.assumingMemoryBound(to: UInt8.self)) + 1
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<end]))
            takePending(now)
            start = end
        }
        if start < end { take(UnsafeBufferPointer(rebasing: bytes[start..<end]), now) }
        if end < bytes.count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[end...])) }
        emitSteps()
        writeIfDue(now)
    }

    /// The index after the last newline (usually a line's length from the end; Glibc's module hides memrchr).
    private static func endOfLastLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = bytes.count
        while index > 0 {
            if bytes[index - 1] == 0x0A { return index }
            index -= 1
        }
        return nil
    }

    /// Nothing arrived for a while: write what is waiting once it is due.
    func idle(at now: ContinuousClock.Instant) {
        writeIfDue(now)
    }

    /// Takes an unterminated last line (ended with a newline, as every stored line is), writes the rest and
    /// closes the log.
    func finish() {
        if !pending.isEmpty {
            pending.append(0x0A)
            takePending(.now)
        }
        emitSteps()
        writeChunk()
        if let failure = writer.finish() { record(failure) }
        do { try log.close() } catch { record(error) }
    }

    /// The end of the (redacted) log as text.
    var tailText: String {
        var tail: [UInt8] = []
        var needed = Self.tailLimit
        for part in ([chunk] + recent.reversed()) where needed > 0 {
            let take = min(needed, part.count)
            tail.insert(contentsOf: part[(part.count - take)...], at: 0)
            needed -= take
        }
        return String(decoding: tail, as: UTF8.self)
    }

    /// Takes most of a line that has grown past ``lineLimit``, up to a cut that no secret crosses: the cut
    /// steps back from `lineOverlap` before the end until redacting the bytes around it in one piece masks
    /// exactly what redacting the two sides apart does (a key and its value, a token, a literal value up to
    /// the probe's length stay on one side). Only a "secret" longer than half the line could still be cut.
    private func takeLongLinePart(_ now: ContinuousClock.Instant) {
        let probe = max(4096, redactor.longestValue + 64)
        let start = pending.count - Self.lineOverlap
        var cut = start
        while cut > pending.count / 2, !cutIsSafe(cut, probe: probe) { cut -= 256 }
        if cut <= pending.count / 2 { cut = start }
        pending.withUnsafeBufferPointer { take(UnsafeBufferPointer(rebasing: $0[..<cut]), now) }
        pending.removeSubrange(..<cut)
    }

    private func cutIsSafe(_ cut: Int, probe: Int) -> Bool {
        pending.withUnsafeBufferPointer { all in
            let window = UnsafeBufferPointer(rebasing: all[max(0, cut - probe)..<min(all.count, cut + probe)])
            let left = UnsafeBufferPointer(rebasing: all[max(0, cut - probe)..<cut])
            let right = UnsafeBufferPointer(rebasing: all[cut..<min(all.count, cut + probe)])
            var whole: [UInt8] = []
            var apart: [UInt8] = []
            redactor.redact(window, into: &whole)
            redactor.redact(left, into: &apart)
            redactor.redact(right, into: &apart)
            return whole == apart
        }
    }

    /// Bytes of capacity held by the written chunks kept for the tail (bounded however slow the output).
    var tailCapacity: Int { recent.reduce(0) { $0 + $1.capacity } }

    private func takePending(_ now: ContinuousClock.Instant) {
        // `take` never touches `pending`, so it reads the bytes in place (a copy here cost an allocation a block).
        pending.withUnsafeBufferPointer { take($0, now) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Redacts whole lines into the chunk, then parses and echoes what was added.
    private func take(_ lines: UnsafeBufferPointer<UInt8>, _ now: ContinuousClock.Instant) {
        if !chunk.isEmpty, chunk.count + lines.count > LogWriter.chunkSize { writeChunk() }
        let from = chunk.count
        // Secrets never span lines, so redacting many lines at once masks what line by line would.
        redactor.redact(lines, into: &chunk)
        chunk.withUnsafeBufferPointer { all in
            let added = UnsafeBufferPointer(rebasing: all[from...])
            parse(added, now)
            echo?(UnsafeRawBufferPointer(added))
        }
    }

    private func parse(_ lines: UnsafeBufferPointer<UInt8>, _ now: ContinuousClock.Instant) {
        guard let base = lines.baseAddress else { return }
        var start = 0
        while start < lines.count {
            let newline = memchr(base + start, 0x0A, lines.count - start)
            let end = newline.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? lines.count
            if end > start, BuildOutputParser.mayMatter(base[start]) {
                let steps = parser.consume(UnsafeBufferPointer(rebasing: lines[start..<end]), at: now)
                if !steps.isEmpty { finishedSteps += steps }
            }
            start = end + 1
        }
    }

    private func emitSteps() {
        guard !finishedSteps.isEmpty else { return }
        // Steps that ended in the same block are written in one transaction.
        onSteps(finishedSteps)
        finishedSteps.removeAll(keepingCapacity: true)
    }

    private func writeIfDue(_ now: ContinuousClock.Instant) {
        if !chunk.isEmpty, lastWrite.duration(to: now) >= Self.writeInterval { writeChunk() }
    }

    private func writeChunk() {
        lastWrite = .now
        guard !chunk.isEmpty else { return }
        writer.submit(chunk)
        // Keep the written chunk for the tail; reuse the oldest one's storage once the tail no longer needs it.
        // A small chunk (slow output, written each second) is kept as a tight copy: thousands of them must not
        // each hold a megabyte of capacity.
        recentBytes += chunk.count
        if chunk.count < chunk.capacity / 4 {
            // `Array(chunk)` would share the buffer (and its capacity): copy into an exact allocation.
            let tight = [UInt8](unsafeUninitializedCapacity: chunk.count) { buffer, count in
                count = buffer.initialize(fromContentsOf: chunk)
            }
            recent.append(tight)
            chunk.removeAll(keepingCapacity: true)
        } else {
            recent.append(chunk)
            chunk = []
        }
        while recent.count > 1, recentBytes - recent[0].count >= Self.tailLimit {
            recentBytes -= recent[0].count
            let oldest = recent.removeFirst()
            if chunk.capacity == 0, oldest.capacity >= LogWriter.chunkSize { chunk = oldest }
        }
        chunk.removeAll(keepingCapacity: true)
        if chunk.capacity == 0 { chunk.reserveCapacity(LogWriter.chunkSize + LogWriter.chunkSize / 4) }
    }

    private func record(_ error: any Error) {
        if self.error == nil { self.error = error }
    }
}
