import Foundation

/// Runs blocking work (file copies, SQLite, a socket round trip) on a thread of its own and waits for it
/// without holding one of Swift's cooperative threads: there are as many of those as cores (two here), so
/// blocking work started together on them runs one piece after another instead of side by side.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
