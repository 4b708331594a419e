import ArgumentParser
import Foundation
import LedgerStore

/// An error the CLI presents in one line with an exit code.
public struct CLIError: Error, CustomStringConvertible {
    public var description: String
    public var exitCode: Int32

    public init(_ description: String, exitCode: Int32 = 2) {
        self.description = description
        self.exitCode = exitCode
    }
}

/// Exit codes of the contract.
public enum Exit {
    public static let ok: Int32 = 0
    public static let failed: Int32 = 1
    public static let unusable: Int32 = 2
    public static let usage: Int32 = 64
    public static let interrupted: Int32 = 130
}

/// Writes diagnostics to stderr and results to stdout.
public enum Diagnostics {
    /// Writes `error: …` to stderr and returns the exit code for `error`.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let error as CLIError:
            if !error.description.isEmpty { printError("error: \(error.description)") }
            return error.exitCode
        case let error as StoreError:
            printError("error: \(error.description)")
            return Exit.unusable
        case let code as ExitCode:
            return code.rawValue
        default:
            let code = LedgerCommand.exitCode(for: error)
            let message = LedgerCommand.fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            if !message.isEmpty { printError(message) }
            return code == .validationFailure ? Exit.usage : (code.rawValue == 1 ? Exit.unusable : code.rawValue)
        }
    }

    /// Writes a line to stderr.
    public static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes bytes to stderr as they are (the engine's live output), retrying short writes; a stderr that
    /// is gone is ignored, as for every diagnostic.
    public static func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let written = write(STDERR_FILENO, next, left)
            if written < 0 {
                if errno == EINTR { continue }
                guard errno == EAGAIN else { return }
                // A non-blocking stderr that is full: wait until it takes more.
                var out = pollfd(fd: STDERR_FILENO, events: Int16(POLLOUT), revents: 0)
                _ = poll(&out, 1, -1)
                continue
            }
            left -= written
            next += written
        }
    }

    /// Writes a warning to stderr.
    public static func warn(_ line: String) {
        printError("warning: \(line)")
    }

    /// Writes a progress note to stderr.
    public static func note(_ line: String) {
        printError("note: \(line)")
    }
}

/// Writes to stdout without Foundation's print buffering surprises.
public enum Output {
    /// Writes `text` and a newline to stdout.
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes bytes to stdout.
    public static func write(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }
}
