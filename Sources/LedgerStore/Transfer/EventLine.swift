import Foundation

/// One event as a line of NDJSON (`ledger events`, `ledger export`, `ledger import`).
///
/// Columns keep their table order; `data` and `metadata` are written as the JSON they are stored as.
public enum EventLine {
    /// The NDJSON line for a stored event (without the newline).
    public static func encode(_ event: RecordedEvent) -> String {
        var out = "{"
        out += "\"position\":\(event.position)"
        out += ",\"id\":\(quote(event.id))"
        out += ",\"stream\":\(quote(event.stream))"
        out += ",\"stream_version\":\(event.streamVersion)"
        out += ",\"type\":\(quote(event.type))"
        out += ",\"schema_version\":\(event.schemaVersion)"
        out += ",\"occurred_at\":\(quote(event.occurredAt))"
        out += ",\"recorded_at\":\(quote(event.recordedAt))"
        out += ",\"data\":\(event.data)"
        out += ",\"metadata\":\(event.metadata)"
        out += ",\"checksum\":\(quote(event.checksum))"
        out += "}"
        return out
    }

    /// A JSON string literal.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Parses and validates one import line. `source` and `line` name it in errors.
    public static func decode(_ text: Substring, source: String, line: Int) throws -> NewEvent {
        func bad(_ reason: String) -> StoreError { .invalidEvent(source: source, line: line, reason: reason) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        guard let id = object["id"] as? String, let uuid = UUID(uuidString: id) else {
            throw bad("`id` must be a UUID string")
        }
        guard let stream = object["stream"] as? String, !stream.isEmpty else { throw bad("`stream` is missing") }
        guard let type = object["type"] as? String, !type.isEmpty else { throw bad("`type` is missing") }
        guard let occurredAt = object["occurred_at"] as? String, Timestamp.parse(occurredAt) != nil else {
            throw bad("`occurred_at` must be an RFC 3339 timestamp")
        }
        guard let data = object["data"], data is [String: Any] else { throw bad("`data` must be a JSON object") }
        var schemaVersion = 1
        if let value = object["schema_version"] {
            guard let number = value as? Int, number >= 1 else { throw bad("`schema_version` must be a positive integer") }
            schemaVersion = number
        }
        var streamVersion: Int64?
        if let value = object["stream_version"] {
            guard let number = value as? Int, number >= 1 else { throw bad("`stream_version` must be a positive integer") }
            streamVersion = Int64(number)
        }
        var metadata: String?
        if let value = object["metadata"] {
            guard value is [String: Any] else { throw bad("`metadata` must be a JSON object") }
            metadata = try? serialize(value)
        }
        return NewEvent(
            id: uuid.uuidString.lowercased() == id.lowercased() ? id.lowercased() : id, stream: stream, type: type,
            schemaVersion: schemaVersion, occurredAt: occurredAt, data: try serialize(data), metadata: metadata,
            streamVersion: streamVersion)
    }

    static func serialize(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
