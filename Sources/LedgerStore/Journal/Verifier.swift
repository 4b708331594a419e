import Foundation
import GRDB

/// One thing `ledger verify` found damaged.
public struct VerificationProblem: Sendable, Equatable, CustomStringConvertible {
    /// `event` or `log`.
    public var kind: String
    /// Where: `position 42 (id …)` or `log … chunk 3`.
    public var location: String
    public var detail: String

    public var description: String { "\(kind) \(location): \(detail)" }
}

/// What `ledger verify` checked.
public struct VerificationReport: Sendable, Equatable {
    public var events: Int
    public var logChunks: Int
    public var problems: [VerificationProblem]
}

extension EventStore {
    /// Checks the hash chain, order, ids and JSON of every event, and decodes every LZ4 frame.
    public func verify() throws -> VerificationReport {
        var problems: [VerificationProblem] = []
        var events = 0
        var chunks = 0
        try read { db in
            var previous = ""
            var lastPosition: Int64 = 0
            var seenIds = Set<String>()
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM events ORDER BY position")
            while let row = try rows.next() {
                events += 1
                let event = Self.event(from: row)
                let location = "position \(event.position) (id \(event.id))"
                func problem(_ detail: String) {
                    problems.append(VerificationProblem(kind: "event", location: location, detail: detail))
                }
                if event.position != lastPosition + 1 {
                    problem("position follows \(lastPosition): events are missing or out of order")
                }
                lastPosition = event.position
                if !EventLine.isUUID(event.id) { problem("id is not a UUID") }
                if !seenIds.insert(event.id).inserted { problem("id appears twice") }
                if (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) == nil {
                    problem("data is not valid JSON")
                }
                if (try? JSONSerialization.jsonObject(with: Data(event.metadata.utf8))) == nil {
                    problem("metadata is not valid JSON")
                }
                let expected = HashChain.checksum(of: event, previous: previous)
                if expected != event.checksum {
                    problem("checksum does not match its columns and the previous event's checksum (row changed)")
                }
                previous = event.checksum
            }
            var lastLog = ""
            var lastSequence = 0
            let logRows = try Row.fetchCursor(
                db, sql: "SELECT log_id, sequence, raw_size, frame FROM log_chunks ORDER BY log_id, sequence")
            while let row = try logRows.next() {
                chunks += 1
                let logId: String = row["log_id"]
                let sequence: Int = row["sequence"]
                if logId != lastLog {
                    lastLog = logId
                    lastSequence = 0
                }
                let location = "\(logId) chunk \(sequence)"
                if sequence != lastSequence + 1 {
                    problems.append(
                        VerificationProblem(
                            kind: "log", location: location, detail: "chunk \(lastSequence + 1) is missing"))
                }
                lastSequence = sequence
                do {
                    _ = try LZ4Frame.decompress(row["frame"], expectedSize: row["raw_size"])
                } catch {
                    problems.append(
                        VerificationProblem(kind: "log", location: location, detail: "LZ4 frame damaged: \(error)"))
                }
            }
        }
        return VerificationReport(events: events, logChunks: chunks, problems: problems)
    }
}
