import Foundation

/// An event as it is stored: every column of the `events` table.
public struct RecordedEvent: Sendable, Equatable {
    /// Global order, 1-based.
    public var position: Int64
    /// Event id (a UUID string, lower-case).
    public var id: String
    public var stream: String
    public var streamVersion: Int64
    public var type: String
    public var schemaVersion: Int
    /// RFC 3339 UTC.
    public var occurredAt: String
    /// RFC 3339 UTC.
    public var recordedAt: String
    /// JSON text, kept as stored.
    public var data: String
    /// JSON text, kept as stored.
    public var metadata: String
    /// Hex SHA-256 over the previous checksum and this event's columns.
    public var checksum: String

    public init(
        position: Int64, id: String, stream: String, streamVersion: Int64, type: String, schemaVersion: Int,
        occurredAt: String, recordedAt: String, data: String, metadata: String, checksum: String
    ) {
        self.position = position
        self.id = id
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.data = data
        self.metadata = metadata
        self.checksum = checksum
    }

    /// Decodes the payload as `T` when the type matches, upcasting older schema versions.
    public func decode<T: DomainEvent>(_: T.Type) -> T? {
        guard type == T.eventType else { return nil }
        guard let bytes = Upcasters.upcast(type: type, schemaVersion: schemaVersion, data: data).data(using: .utf8)
        else { return nil }
        return try? EventCoding.decoder().decode(T.self, from: bytes)
    }

    /// The metadata decoded (host, boot id, pid ...), or nil when it is not ledger's shape.
    public var decodedMetadata: EventMetadata? {
        guard let bytes = metadata.data(using: .utf8) else { return nil }
        return try? EventCoding.decoder().decode(EventMetadata.self, from: bytes)
    }
}

/// Reads stored events of an old schema version as the current one; a stored event is never rewritten.
public enum Upcasters {
    /// Returns the payload JSON in the current shape of `type`. Version 1 is current for every type.
    public static func upcast(type: String, schemaVersion: Int, data: String) -> String {
        data
    }
}

/// An event to append.
public struct NewEvent: Sendable, Equatable {
    public var id: String
    public var stream: String
    public var type: String
    public var schemaVersion: Int
    public var occurredAt: String
    public var data: String
    /// Metadata JSON; when nil the store fills in this process's ``EventMetadata``.
    public var metadata: String?
    /// A stream version to keep (imports); nil appends at the stream's next version.
    public var streamVersion: Int64?

    public init(
        id: String = UUID().uuidString.lowercased(), stream: String, type: String, schemaVersion: Int = 1,
        occurredAt: String = Timestamp.format(Date()), data: String, metadata: String? = nil,
        streamVersion: Int64? = nil
    ) {
        self.id = id
        self.stream = stream
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.data = data
        self.metadata = metadata
        self.streamVersion = streamVersion
    }

    /// Encodes a domain event payload.
    public init<T: DomainEvent>(_ event: T, stream: String, occurredAt: Date = Date()) throws {
        let data = try EventCoding.encoder().encode(event)
        self.init(
            stream: stream, type: T.eventType, schemaVersion: T.schemaVersion,
            occurredAt: Timestamp.format(occurredAt), data: String(decoding: data, as: UTF8.self))
    }
}

/// What a stream is expected to hold before an append (optimistic concurrency).
public enum ExpectedVersion: Sendable, Equatable {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream's last version must be exactly this.
    case exact(Int64)
}
