import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Takes a process's output in large blocks, on the reader's own thread, one call at a time.
public protocol OutputBlockSink: AnyObject, Sendable {
    /// A block as read from the pipe (any number of lines, possibly cut mid-line), stamped on arrival.
    func consume(_ block: UnsafeRawBufferPointer, at now: ContinuousClock.Instant)
    /// Nothing arrived for a while (at most ``BlockReader/idleInterval``).
    func idle(at now: ContinuousClock.Instant)
}

/// One pipe carrying a child's standard output and standard error together, read by a dedicated thread.
///
/// Builds print hundreds of megabytes: reading them through an async sequence costs a task hop per pipe
/// read (the engine's client writes a few kilobytes at a time), which on a busy two-core machine takes the
/// CPU the engine needs. Here one thread does blocking-style reads of up to 1 MiB from a 1 MiB pipe, so a
/// read usually collects many writes, and hands each block to the sink in place (no copy).
final class BlockReader: Sendable {
    /// How long the sink waits for an ``OutputBlockSink/idle(at:)`` call when nothing arrives.
    static let idleInterval: Int32 = 500
    /// Bytes per read, and the pipe's capacity when the kernel allows it.
    static let blockSize = 1 << 20
    /// A read at least this large (and under a quarter block) means a steady stream: pause before reading on.
    static let batchFloor = 16 << 10
    /// How long the reader goes on reading after the child has exited (what is left in the pipe takes
    /// milliseconds; only a grandchild still writing would take longer).
    static let drainLimit = Duration.seconds(2)
    /// The pause, in microseconds: about 150 KB of a loud build's output arrives meanwhile.
    static let batchPause: UInt32 = 2000

    /// The write end for the child's standard output.
    let writeEnd: Int32
    /// A second write end (a duplicate) for the child's standard error.
    let writeEndCopy: Int32
    private let readEnd: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// `F_SETPIPE_SZ` (`F_LINUX_SPECIFIC_BASE + 7`), which Glibc's module map leaves out.
    private static let setPipeSize: Int32 = 1031
    private struct State {
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    /// Creates the pipe and starts the reading thread.
    init(sink: any OutputBlockSink) throws {
        // Glibc's module map hides pipe2(2) and eventfd(2): plain pipes, marked close-on-exec right away (the
        // build launches nothing else while this runs).
        var fds: [Int32] = [-1, -1]
        var wakeFds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0, pipe(&wakeFds) == 0 else {
            let error = Self.failure("pipe")
            for fd in fds + wakeFds where fd >= 0 { close(fd) }
            throw error
        }
        for fd in fds + wakeFds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // > fcntl(2): "F_SETPIPE_SZ ... Attempts by an unprivileged process to set the pipe capacity above the
        // > limit in /proc/sys/fs/pipe-max-size yield the error EPERM" -- the default capacity then stays.
        _ = fcntl(fds[1], Self.setPipeSize, Int32(Self.blockSize))
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        let copy = fcntl(fds[1], F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else {
            let error = Self.failure("fcntl(F_DUPFD_CLOEXEC)")
            for fd in fds + wakeFds { close(fd) }
            throw error
        }
        wakeRead = wakeFds[0]
        wakeWrite = wakeFds[1]
        readEnd = fds[0]
        writeEnd = fds[1]
        writeEndCopy = copy
        let thread = Thread { [self] in
            self.read(into: sink)
        }
        thread.name = "ledger.output"
        thread.start()
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// Tells the reader that the child is gone: it reads what is left in the pipe and stops, even when a
    /// grandchild still holds a write end open.
    func childEnded() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Returns once the reader has handed over its last block.
    func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s in
                if s.finished { return true }
                s.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func read(into sink: any OutputBlockSink) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 16)
        defer {
            buffer.deallocate()
            close(readEnd)
            let waiter = state.withLock { s in
                s.finished = true
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
        // Set once the child is gone: from then on the reader only drains what is left, until this instant.
        var drainDeadline: ContinuousClock.Instant?
        var fds = [
            pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let draining = drainDeadline != nil
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, draining ? 1 : 2, draining ? 0 : Self.idleInterval)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if !draining, fds[1].revents != 0 { drainDeadline = .now + Self.drainLimit }
            // A grandchild that keeps writing after the child is gone is not waited for past the limit.
            if let deadline = drainDeadline, ContinuousClock.now > deadline { return }
            guard fds[0].revents != 0 else {
                if drainDeadline != nil { return }  // the child is gone and the pipe is empty
                if ready == 0 { sink.idle(at: .now) }
                continue
            }
            let count = Glibc.read(readEnd, buffer.baseAddress, buffer.count)
            if count > 0 {
                sink.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), at: .now)
                // In a steady stream (the engine's client writes a few kilobytes at a time) let a few writes
                // gather before the next read: a wake-up per write costs both sides a context switch.
                // Small pieces (a quiet build's lines) and full blocks are read again at once.
                if count >= Self.batchFloor && count < Self.blockSize / 4 && drainDeadline == nil {
                    usleep(Self.batchPause)
                }
            } else if count == 0 {
                return  // every write end is closed
            } else if errno != EAGAIN && errno != EINTR {
                return
            }
        }
    }

    private static func failure(_ call: String) -> ProcessError {
        ProcessError(executable: "ledger", detail: "\(call): \(String(cString: strerror(errno)))")
    }
}
