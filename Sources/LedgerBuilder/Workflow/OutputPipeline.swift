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
    private let onSteps: ([BuildStep]) -> Void
    private var stdoutPending: [UInt8] = []
    private var stderrPending: [UInt8] = []
    private var finishedSteps: [BuildStep] = []
    private var buffer: [UInt8] = []
    private var tail: [UInt8] = []
    private(set) var parser = BuildOutputParser()
    private(set) var error: (any Error)?

    /// Bytes of log kept for classifying a failure and learning fixes from it.
    static let tailLimit = 256 << 10

    init(
        log: LogWriter, redactor: SecretRedactor, echo: (@Sendable ([UInt8]) -> Void)?,
        onSteps: @escaping ([BuildStep]) -> Void
    ) {
        self.log = log
        self.redactor = redactor
        self.echo = echo
        self.onSteps = onSteps
        buffer.reserveCapacity(1 << 16)
    }

    /// Takes one piece of engine output.
    func take(_ stream: LedgerEngine.OutputStream, _ bytes: [UInt8]) {
        let now = ContinuousClock.now
        buffer.removeAll(keepingCapacity: true)
        switch stream {
        case .stdout: split(bytes, pending: &stdoutPending, now)
        case .stderr: split(bytes, pending: &stderrPending, now)
        }
        emit()
    }

    /// Hands each complete line to `handle` (`memchr` finds the newlines); keeps the unterminated rest.
    private func split(_ bytes: [UInt8], pending: inout [UInt8], _ now: ContinuousClock.Instant) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count,
                let found = memchr(base + start, 0x0A, buffer.count - start)
            {
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if pending.isEmpty {
                    handle(bytes[start..<end], now)
                } else {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
                    handle(pending[...], now)
                    pending.removeAll(keepingCapacity: true)
                }
                start = end + 1
            }
            if start < buffer.count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start...])) }
        }
    }

    /// Flushes unterminated last lines and the log.
    func finish() {
        let now = ContinuousClock.now
        buffer.removeAll(keepingCapacity: true)
        for pending in [stdoutPending, stderrPending] where !pending.isEmpty { handle(pending[...], now) }
        stdoutPending.removeAll()
        stderrPending.removeAll()
        emit()
        do { try log.close() } catch { record(error) }
    }

    /// The end of the (redacted) log as text.
    var tailText: String { String(decoding: tail, as: UTF8.self) }

    private func handle(_ line: ArraySlice<UInt8>, _ now: ContinuousClock.Instant) {
        let start = buffer.count
        redactor.redact(line, into: &buffer)
        buffer.append(0x0A)
        let steps = parser.consume(buffer[start..<(buffer.count - 1)], at: now)
        if !steps.isEmpty { finishedSteps += steps }
    }

    private func emit() {
        if !finishedSteps.isEmpty {
            // Steps that ended in the same piece of output are written in one transaction.
            onSteps(finishedSteps)
            finishedSteps.removeAll(keepingCapacity: true)
        }
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
