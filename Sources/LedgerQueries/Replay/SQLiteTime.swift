import LedgerStore

/// `(julianday(t) - 2440587.5) * 86400.0` computed the way SQLite 3.40's date.c computes it, so that replayed
/// rows hold the same doubles as rows written by SQL: the instant is first rounded to whole milliseconds of a
/// Julian day number (`computeJD`), then divided.
enum SQLiteTime {
    /// Unix seconds of `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; any other shape falls back to SQL.
    static func seconds(_ text: UnsafeBufferPointer<UInt8>) throws -> Double {
        guard let milliseconds = julianMilliseconds(text) else {
            throw ReplayFallback(reason: "a time SQLite would read by other rules")
        }
        return (Double(milliseconds) / 86_400_000.0 - 2440587.5) * 86400.0
    }

    static func julianMilliseconds(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= text.count else { return nil }
            var value = 0
            for k in i..<(i + count) {
                let c = text[k]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += count
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < text.count, text[i] == c else { return false }
            i += 1
            return true
        }
        guard var year = number(4), expect(UInt8(ascii: "-")), var month = number(2), (1...12).contains(month),
            expect(UInt8(ascii: "-")), let day = number(2), (1...31).contains(day), expect(UInt8(ascii: "T")),
            let hour = number(2), hour <= 23, expect(UInt8(ascii: ":")), let minute = number(2), minute <= 59,
            expect(UInt8(ascii: ":")), let second = number(2), second <= 59
        else { return nil }
        // > date.c parseHhMmSs: ms = ms*10.0 + *zDate - '0'; rScale *= 10.0; ... ms /= rScale;
        var fraction = 0.0
        if i + 1 < text.count, text[i] == UInt8(ascii: "."), text[i + 1] >= 48, text[i + 1] <= 57 {
            i += 1
            var scale = 1.0
            while i < text.count, text[i] >= 48, text[i] <= 57 {
                fraction = fraction * 10.0 + Double(text[i] - 48)
                scale *= 10.0
                i += 1
            }
            fraction /= scale
        }
        var zone = 0
        if expect(UInt8(ascii: "Z")) {
            zone = 0
        } else if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
            let sign = text[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let hours = number(2), hours <= 14, expect(UInt8(ascii: ":")), let minutes = number(2),
                minutes <= 59
            else { return nil }
            zone = sign * (hours * 60 + minutes)
        } else {
            return nil
        }
        guard i == text.count else { return nil }
        // > date.c computeJD
        if month <= 2 {
            year -= 1
            month += 12
        }
        let a = year / 100
        let b = 2 - a + a / 4
        let x1 = 36525 * (year + 4716) / 100
        let x2 = 306001 * (month + 1) / 10000
        var jd = Int64((Double(x1 + x2 + day + b) - 1524.5) * 86_400_000)
        let seconds = Double(second) + fraction
        jd += Int64(hour * 3_600_000 + minute * 60000) + Int64(seconds * 1000 + 0.5)
        jd -= Int64(zone * 60000)
        return jd
    }
}
