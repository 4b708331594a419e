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
        // Most values need no escaping: copy them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + text + "\"" }
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

    /// Parses and validates one import line. `source` and `line` name it in errors. `data` and `metadata`
    /// are kept exactly as written.
    public static func decode(_ bytes: [UInt8], source: String, line: Int) throws -> NewEvent {
        func bad(_ reason: String) -> StoreError { .invalidEvent(source: source, line: line, reason: reason) }
        let fields: JSONScanner.Fields
        do { fields = try JSONScanner.object(bytes) } catch let failure as JSONScanner.Failure {
            throw bad(
                failure.reason == "not a JSON object"
                    ? "not a JSON object" : "invalid JSON at byte \(failure.offset + 1): \(failure.reason)")
        }
        guard let id = fields["id"]?.string, isUUID(id) else {
            throw bad("`id` must be a UUID string")
        }
        guard let stream = fields["stream"]?.string, !stream.isEmpty else { throw bad("`stream` is missing") }
        guard let type = fields["type"]?.string, !type.isEmpty else { throw bad("`type` is missing") }
        guard let occurredAt = fields["occurred_at"]?.string, Timestamp.parse(occurredAt) != nil else {
            throw bad("`occurred_at` must be an RFC 3339 timestamp")
        }
        guard let data = fields["data"], data.kind == .object else { throw bad("`data` must be a JSON object") }
        func positiveInteger(_ name: String) throws -> Int64? {
            guard let field = fields[name] else { return nil }
            guard field.kind == .number, let value = Int64(String(decoding: field.raw, as: UTF8.self)), value >= 1
            else { throw bad("`\(name)` must be a positive integer") }
            return value
        }
        let schemaVersion = try positiveInteger("schema_version") ?? 1
        let streamVersion = try positiveInteger("stream_version")
        var metadata: String?
        if let field = fields["metadata"] {
            guard field.kind == .object else { throw bad("`metadata` must be a JSON object") }
            metadata = String(decoding: field.raw, as: UTF8.self)
        }
        return NewEvent(
            id: id.lowercased(), stream: stream, type: type, schemaVersion: Int(schemaVersion), occurredAt: occurredAt,
            data: String(decoding: data.raw, as: UTF8.self), metadata: metadata, streamVersion: streamVersion)
    }
}

extension EventLine {
    /// Whether `text` is a UUID in its 8-4-4-4-12 hex form (either case), checked without a formatter.
    public static func isUUID(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == 36 else { return false }
            for index in 0..<36 {
                let byte = bytes[index]
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    if byte != UInt8(ascii: "-") { return false }
                } else if !((48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)) {
                    return false
                }
            }
            return true
        }
    }
}
