/// Removes ANSI escape sequences (the legacy builder wraps a step's stderr lines in `ESC[91m` … `ESC[0m`).
public enum ANSI {
    /// `text` without CSI sequences (`ESC [ params final`) and other two-byte escapes.
    public static func strip(_ text: String) -> String {
        guard text.utf8.contains(0x1B) else { return text }
        return String(decoding: strip(Array(text.utf8)[...]), as: UTF8.self)
    }

    /// `bytes` without ANSI escape sequences.
    public static func strip(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == 0x1B else {
                out.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.endIndex else { break }
            if bytes[index] == UInt8(ascii: "[") {
                // CSI: parameters and intermediates (0x20-0x3F), then one final byte (0x40-0x7E).
                index += 1
                while index < bytes.endIndex, bytes[index] >= 0x20, bytes[index] <= 0x3F { index += 1 }
                if index < bytes.endIndex { index += 1 }
            } else {
                index += 1
            }
        }
        return out
    }
}
