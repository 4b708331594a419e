import Foundation
import Testing

@testable import LedgerStore

@Suite("Timestamps")
struct TimestampTests {
    @Test(
        "RFC 3339 parsing",
        arguments: [
            ("2026-11-25T09:29:13Z", 1_795_598_953.0),
            ("2026-11-25T09:29:13.250Z", 1_795_598_953.25),
            ("2026-11-25T10:29:13+01:00", 1_795_598_953.0),
            ("2026-11-25t09:29:13z", 1_795_598_953.0),
            ("1970-01-01T00:00:00Z", 0.0),
            ("2000-02-29T12:00:00-00:30", 951_827_400.0),
        ])
    func parses(_ text: String, _ epoch: Double) {
        #expect(Timestamp.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test(
        "invalid timestamps are refused",
        arguments: [
            "", "2026-11-25", "2026-13-01T00:00:00Z", "2026-11-25T09:29:13", "2026-11-25T09:29:13.Z",
            "2026-11-25T09:29:13Zjunk",
        ])
    func refuses(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("format and parse round-trip; relative ages count back from now")
    func roundTripAndRelative() {
        let date = Date(timeIntervalSince1970: 1_795_598_953.125)
        #expect(Timestamp.format(date) == "2026-11-25T09:29:13.125Z")
        #expect(Timestamp.parse(Timestamp.format(date)) == date)
        let now = Date(timeIntervalSince1970: 1_000_000)
        let week = Timestamp.parseBound("7d", now: now)?.timeIntervalSince1970 ?? 0
        let day = Timestamp.parseBound("24h", now: now)?.timeIntervalSince1970 ?? 0
        #expect(abs(week - (1_000_000 - 7 * 86400)) < 0.001)
        #expect(abs(day - (1_000_000 - 86400)) < 0.001)
        #expect(Timestamp.parseBound("soon", now: now) == nil)
    }
}
