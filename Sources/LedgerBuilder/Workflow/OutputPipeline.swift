import Foundation
import LedgerEngine
import LedgerStore

/// What streams out of one attempt: engine bytes are split into lines per pipe, redacted, appended to the
/// log in chunks, echoed (redacted) to whoever watches, and parsed into steps.
///
/// The engine's two pipes are delivered one piece at a time under the runner's lock, so this type is only
/// touched serially; it is a class so the `@escaping` output callback can mutate it.
final class OutputPipeline: @unchecked Sendable {
    private let log: LogWriter
    private let redactor: SecretRedactor
    private let echo: (@Sendable ([UInt8]) -> Void)?
    private let onStep: (BuildStep) -> Void
    private var stdoutLines = LineSplitter()
    private var stderrLines = LineSplitter()
    private var buffer: [UInt8] = []
    private var tail: [UInt8] = []
    private(set) var parser = BuildOutputParser()
    private(set) var error: (any Error)?

    /// Bytes of log kept for classifying a failure and learning fixes from it.
    static let tailLimit = 256 << 10

    init(
        log: LogWriter, redactor: SecretRedactor, echo: (@Sendable ([UInt8]) -> Void)?,
        onStep: @escaping (BuildStep) -> Void
    ) {
        self.log = log
        self.redactor = redactor
        self.echo = echo
        self.onStep = onStep
        buffer.reserveCapacity(1 << 16)
    }

    /// Takes one piece of engine output.
    func take(_ stream: LedgerEngine.OutputStream, _ bytes: [UInt8]) {
        let now = ContinuousClock.now
        buffer.removeAll(keepingCapacity: true)
        switch stream {
        case .stdout: stdoutLines.feed(bytes) { line in handle(line, now) }
        case .stderr: stderrLines.feed(bytes) { line in handle(line, now) }
        }
        emit()
    }

    /// Flushes unterminated last lines and the log.
    func finish() {
        let now = ContinuousClock.now
        buffer.removeAll(keepingCapacity: true)
        stdoutLines.finish { line in handle(line, now) }
        stderrLines.finish { line in handle(line, now) }
        emit()
        do { try log.close() } catch { record(error) }
    }

    /// The end of the (redacted) log as text.
    var tailText: String { String(decoding: tail, as: UTF8.self) }

    private func handle(_ line: ArraySlice<UInt8>, _ now: ContinuousClock.Instant) {
        let start = buffer.count
        redactor.redact(line, into: &buffer)
        buffer.append(0x0A)
        for step in parser.consume(buffer[start..<(buffer.count - 1)], at: now) { onStep(step) }
    }

    private func emit() {
        guard !buffer.isEmpty else { return }
        do { try log.append(Data(buffer)) } catch { record(error) }
        echo?(buffer)
        tail.append(contentsOf: buffer)
        if tail.count > 2 * Self.tailLimit { tail.removeFirst(tail.count - Self.tailLimit) }
    }

    private func record(_ error: any Error) {
        if self.error == nil { self.error = error }
    }
}
