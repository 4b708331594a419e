import Foundation

/// Ctrl-C handling: the first SIGINT cancels the running work (which stops its child processes and records
/// the interruption); a second one exits at once with 130.
enum Interrupts {
    nonisolated(unsafe) static var count: sig_atomic_t = 0

    /// Runs `work` in a task that a SIGINT cancels.
    static func cancellingOnSIGINT<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        // A caught (not ignored) signal is reset to its default in children at exec, so the engine's CLI
        // still reacts to the SIGINT the process runner sends it on cancellation.
        signal(SIGINT) { _ in
            Interrupts.count += 1
            if Interrupts.count > 1 { _exit(130) }
        }
        let task = Task { try await work() }
        let watcher = Task {
            while !Task.isCancelled {
                if Interrupts.count > 0 {
                    task.cancel()
                    return
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { watcher.cancel() }
        return try await task.value
    }
}
