import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Which pipe a piece of output came from.
public enum OutputStream: Sendable {
    case stdout
    case stderr
}

/// How a child process ended.
public struct Termination: Sendable, Equatable {
    /// Exit status when it exited.
    public var exitCode: Int32?
    /// Signal number when a signal ended it.
    public var signal: Int32?
    /// True when ledger stopped it (timeout or cancellation).
    public var stoppedByLedger: Bool

    /// Exited with status 0.
    public var succeeded: Bool { exitCode == 0 }
}

/// A finished process's collected output.
public struct CapturedOutput: Sendable {
    public var termination: Termination
    public var stdout: String
    public var stderr: String
    public var duration: Duration
}

/// An error launching a process.
public struct ProcessError: Error, Sendable, CustomStringConvertible {
    public var executable: String
    public var detail: String
    public var description: String { "\(executable): \(detail)" }
}

/// The one place `ledger` launches processes (through swift-subprocess).
///
/// Both pipes are drained concurrently (reading them one after the other can deadlock), arguments are
/// passed as a list (never a shell string), and the child is torn down when the calling task is cancelled.
public enum ProcessRunner {
    /// Finds an executable on `PATH` (or returns the path when it contains a `/`).
    public static func which(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func teardown() -> PlatformOptions {
        var options = PlatformOptions()
        options.teardownSequence = [
            .send(signal: .interrupt, allowedDurationToNextStep: .seconds(3)),
            .gracefulShutDown(allowedDurationToNextStep: .seconds(3)),
        ]
        return options
    }

    static func environment(_ extra: [String: String]) -> Subprocess.Environment {
        var updates: [Subprocess.Environment.Key: String?] = [:]
        for (key, value) in extra { updates[Subprocess.Environment.Key(stringLiteral: key)] = value }
        return .inherit.updating(updates)
    }

    static func termination(_ status: TerminationStatus, stopped: Bool) -> Termination {
        switch status {
        case .exited(let code): return Termination(exitCode: Int32(code), signal: nil, stoppedByLedger: stopped)
        case .signaled(let signal): return Termination(exitCode: nil, signal: Int32(signal), stoppedByLedger: stopped)
        }
    }

    /// Runs a process to completion and collects its output (up to `limit` bytes each).
    ///
    /// - Parameter timeout: the child is interrupted, then terminated, when it runs longer.
    public static func capture(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil,
        workingDirectory: String? = nil, timeout: Duration? = nil, limit: Int = 16 << 20
    ) async throws -> CapturedOutput {
        let start = ContinuousClock.now
        var stdout = Data()
        var stderr = Data()
        let termination = try await stream(
            executable, arguments, environment: environment, input: input, workingDirectory: workingDirectory,
            timeout: timeout
        ) { stream, bytes in
            switch stream {
            case .stdout: if stdout.count < limit { stdout.append(contentsOf: bytes) }
            case .stderr: if stderr.count < limit { stderr.append(contentsOf: bytes) }
            }
        }
        return CapturedOutput(
            termination: termination, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self), duration: ContinuousClock.now - start)
    }

    /// Runs a process, handing each piece of output to `onOutput` as it arrives (in arrival order,
    /// serialized), and returns how it ended.
    public static func stream(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil,
        workingDirectory: String? = nil, timeout: Duration? = nil,
        onOutput: @escaping (OutputStream, [UInt8]) throws -> Void
    ) async throws -> Termination {
        guard let path = which(executable) else {
            throw ProcessError(executable: executable, detail: "not found on PATH")
        }
        let sink = OutputSink(onOutput)
        let timedOut = TimeoutFlag()
        let result = try await withThrowingTaskGroup(of: Termination?.self) { group in
            group.addTask {
                let status: TerminationStatus
                if let input {
                    status = try await Self.execute(path, arguments, environment, workingDirectory, .data(input), sink)
                } else {
                    status = try await Self.execute(path, arguments, environment, workingDirectory, .none, sink)
                }
                return Self.termination(status, stopped: timedOut.value || Task.isCancelled)
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    timedOut.set()
                    return nil
                }
            }
            while let next = try await group.next() {
                if let termination = next {
                    group.cancelAll()
                    return termination
                }
                // The timer fired: cancel the child (teardown sequence) and wait for its termination.
                group.cancelAll()
            }
            return Termination(exitCode: nil, signal: nil, stoppedByLedger: true)
        }
        return result
    }
}

extension ProcessRunner {
    /// Runs a process whose standard output and standard error share one pipe, read in blocks of up to 1 MiB
    /// on a dedicated thread and handed to `sink` there (serially, in arrival order); returns how it ended,
    /// after the sink has taken the last block.
    ///
    /// For processes that print a lot (builds): the two streams interleave as the child wrote them, as in
    /// a terminal. Cancelling the calling task tears the child down as ``stream(_:_:environment:input:workingDirectory:timeout:onOutput:)`` does.
    public static func streamBlocks(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        into sink: any OutputBlockSink
    ) async throws -> Termination {
        guard let path = which(executable) else {
            throw ProcessError(executable: executable, detail: "not found on PATH")
        }
        let reader = try BlockReader(sink: sink)
        let outcome: Result<TerminationStatus, any Error>
        do {
            // Both write ends are closed in this process once the child has them, so the reader sees the end
            // of the output when the child (and anything it left holding the pipe) has exited.
            let result = try await run(
                .path(FilePath(path)), arguments: Arguments(arguments), environment: Self.environment(environment),
                platformOptions: Self.teardown(), input: .none,
                output: .fileDescriptor(FileDescriptor(rawValue: reader.writeEnd), closeAfterSpawningProcess: true),
                error: .fileDescriptor(FileDescriptor(rawValue: reader.writeEndCopy), closeAfterSpawningProcess: true))
            outcome = .success(result.terminationStatus)
        } catch {
            outcome = .failure(error)
        }
        reader.childEnded()
        await reader.finished()
        return Self.termination(try outcome.get(), stopped: Task.isCancelled)
    }

    static func execute<Input: InputProtocol>(
        _ path: String, _ arguments: [String], _ environment: [String: String], _ workingDirectory: String?,
        _ input: Input, _ sink: OutputSink
    ) async throws -> TerminationStatus {
        let result = try await run(
            .path(FilePath(path)), arguments: Arguments(arguments),
            environment: Self.environment(environment),
            workingDirectory: workingDirectory.map { FilePath($0) },
            platformOptions: Self.teardown(),
            input: input,
            output: .sequence, error: .sequence
        ) { execution in
            try await withThrowingTaskGroup(of: Void.self) { pipes in
                pipes.addTask {
                    for try await buffer in execution.standardOutput {
                        try sink.deliver(.stdout, buffer.withUnsafeBytes { Array($0) })
                    }
                }
                pipes.addTask {
                    for try await buffer in execution.standardError {
                        try sink.deliver(.stderr, buffer.withUnsafeBytes { Array($0) })
                    }
                }
                try await pipes.waitForAll()
            }
        }
        return result.terminationStatus
    }
}

/// Serializes output callbacks from the two pipe readers.
final class OutputSink: @unchecked Sendable {
    private let lock = NSLock()
    private let body: (OutputStream, [UInt8]) throws -> Void

    init(_ body: @escaping (OutputStream, [UInt8]) throws -> Void) {
        self.body = body
    }

    func deliver(_ stream: OutputStream, _ bytes: [UInt8]) throws {
        lock.lock()
        defer { lock.unlock() }
        try body(stream, bytes)
    }
}

final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    var value: Bool { lock.withLock { fired } }
    func set() { lock.withLock { fired = true } }
}

/// Splits a byte stream into lines without copying more than a partial line.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Feeds bytes; calls `body` with each complete line (without `\n`, `\r` kept).
    public mutating func feed(_ bytes: [UInt8], _ body: (ArraySlice<UInt8>) throws -> Void) rethrows {
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            if pending.isEmpty {
                try body(bytes[start..<index])
            } else {
                pending.append(contentsOf: bytes[start..<index])
                try body(pending[...])
                pending.removeAll(keepingCapacity: true)
            }
            start = index + 1
        }
        if start < bytes.count { pending.append(contentsOf: bytes[start...]) }
    }

    /// The unterminated last line, if any.
    public mutating func finish(_ body: (ArraySlice<UInt8>) throws -> Void) rethrows {
        if !pending.isEmpty { try body(pending[...]) }
        pending.removeAll()
    }
}
