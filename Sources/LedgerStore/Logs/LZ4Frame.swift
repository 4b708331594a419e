import CLZ4
import Foundation

/// The LZ4 frame format through the system liblz4: the one place that touches it.
///
/// Frames carry a content checksum and the content size, so the stock `lz4 -d` decodes them and a
/// flipped byte is found on decoding.
public enum LZ4Frame {
    /// An error from liblz4.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Compresses `input` into one frame (fast level, content checksum on).
    public static func compress(_ input: Data) throws -> Data {
        try input.withUnsafeBytes { try compress($0) }
    }

    /// Compresses the bytes at `input` into one frame (fast level, content checksum on).
    public static func compress(_ input: UnsafeRawBufferPointer) throws -> Data {
        var prefs = LZ4F_preferences_t()
        prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        prefs.frameInfo.blockSizeID = LZ4F_max4MB
        prefs.frameInfo.contentSize = UInt64(input.count)
        prefs.compressionLevel = -2
        let bound = LZ4F_compressFrameBound(input.count, &prefs)
        // Uninitialized room for the worst case; `Data` takes it over (and frees it) without a copy.
        guard let output = malloc(max(bound, 1)) else { throw Failure(description: "out of memory") }
        let written = LZ4F_compressFrame(output, bound, input.baseAddress, input.count, &prefs)
        if LZ4F_isError(written) != 0 {
            free(output)
            throw Failure(description: String(cString: LZ4F_getErrorName(written)))
        }
        return Data(bytesNoCopy: output, count: written, deallocator: .free)
    }

    /// Decodes one frame, checking its checksums; `expectedSize` guards the raw length when known.
    public static func decompress(_ frame: Data, expectedSize: Int? = nil) throws -> Data {
        var context: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        if LZ4F_isError(created) != 0 { throw Failure(description: String(cString: LZ4F_getErrorName(created))) }
        defer { LZ4F_freeDecompressionContext(context) }
        var output = Data()
        output.reserveCapacity(expectedSize ?? frame.count * 4)
        let chunk = 256 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        var finished = false
        try frame.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            guard let base = src.baseAddress else { return }
            var offset = 0
            while offset < src.count || !finished {
                var srcSize = src.count - offset
                var dstSize = chunk
                let hint = buffer.withUnsafeMutableBytes { dst in
                    LZ4F_decompress(context, dst.baseAddress, &dstSize, base + offset, &srcSize, nil)
                }
                if LZ4F_isError(hint) != 0 {
                    throw Failure(description: String(cString: LZ4F_getErrorName(hint)))
                }
                output.append(contentsOf: buffer[0..<dstSize])
                offset += srcSize
                if hint == 0 {
                    finished = true
                    break
                }
                if srcSize == 0 && dstSize == 0 { break }
            }
            if offset != src.count { throw Failure(description: "trailing bytes after the frame") }
        }
        if !finished { throw Failure(description: "frame is truncated") }
        if let expectedSize, output.count != expectedSize {
            throw Failure(description: "decoded \(output.count) bytes, expected \(expectedSize)")
        }
        return output
    }
}
