/// Lower-case hex encoding without per-byte string formatting.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Hex of a byte sequence.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of one hex digit (either case), or nil.
    public static func value(of digit: UInt8) -> UInt32? {
        switch digit {
        case 48...57: return UInt32(digit - 48)
        case 65...70: return UInt32(digit - 55)
        case 97...102: return UInt32(digit - 87)
        default: return nil
        }
    }
}
