import Foundation
import LedgerEngine
import Testing

struct SecretRedactorTests {
    static let cases: [(String, String)] = [
        ("key AKIAIOSFODNN7EXAMPLE here", "key [REDACTED] here"),
        ("ASIAY34FZKBOKMUTVV7A", "[REDACTED]"),
        ("not a key: AKIAIOSFODNN7EXAMPLEX", "not a key: AKIAIOSFODNN7EXAMPLEX"),
        ("xAKIAIOSFODNN7EXAMPLE", "xAKIAIOSFODNN7EXAMPLE"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED]"),
        ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok", "AWS_SECRET_ACCESS_KEY=[REDACTED] ok"),
        ("\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "\"SecretAccessKey\": \"[REDACTED]\""),
        ("HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "HF_TOKEN=[REDACTED]"),
        ("token ghp_1234567890abcdefghijABCDEFGHIJ123456", "token [REDACTED]"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "[REDACTED]"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "Authorization: Bearer [REDACTED]"),
        ("authorization: bearer abcdefgh12345678", "authorization: bearer [REDACTED]"),
        ("hf_short and ghp_short and Bearer x", "hf_short and ghp_short and Bearer x"),
        (
            "Successfully installed torch-2.5.1 huggingface_hub-0.26.0",
            "Successfully installed torch-2.5.1 huggingface_hub-0.26.0"
        ),
        ("", ""),
    ]

    @Test(arguments: cases)
    func redactsKnownShapes(_ input: String, _ expected: String) {
        #expect(SecretRedactor().redact(input) == expected)
    }

    @Test func redactsSecretBuildArgValues() {
        let redactor = SecretRedactor(secretValues: ["s3cr3t-value", "", "short"])
        #expect(redactor.redact("echo s3cr3t-value; x=short") == "echo [REDACTED]; x=[REDACTED]")
        #expect(redactor.redact("s3cr3t-valu") == "s3cr3t-valu")
    }

    @Test func leavesAnUntouchedLineByteIdentical() {
        var out: [UInt8] = []
        let line = Array("Step 5/7 : RUN pip install --no-index --find-links /wheels -r requirements.txt".utf8)
        #expect(!SecretRedactor(secretValues: ["zzz"]).redact(line[...], into: &out))
        #expect(out == line)
    }

    /// Many lines at once (how the builder redacts each block of output) mask exactly what line by line does:
    /// random lines of secret shapes, near misses and filler, placed at every offset of the 16-byte prefilter.
    @Test func manyLinesAtOnceEqualLineByLine() {
        let fragments = [
            "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPL", "ASIAY34FZKBOKMUTVV7A", "AXIAIOSFODNN7EXAMPLE",
            "Bearer abcdefgh12345678", "bearer x", "Bearer", "Be", "B", "b", "MB/s", "eBay", "Se", "S",
            "SecretAccessKey=",
            "secretaccesskey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key=abcdefghijklmnop1234",
            "hf_AbCdEfGhIjKlMnOpQrStUvWx", "hf_", "ghp_1234567890abcdefghij1234", "gho_",
            "github_pat_11ABCDEFG0123456789_ab",
            "s3cr3t-value", "s3cr3t-valu", "_", "__", "x_y", " ", "  ", "=", "\"", "Collecting torch==2.5.1",
            "0123456789abcdef", "\u{1b}[0m", "é", "\t",
        ]
        let redactor = SecretRedactor(secretValues: ["s3cr3t-value", "Bx"])
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                var line = String(repeating: "p", count: Int.random(in: 0...17, using: &random))
                for _ in 0..<Int.random(in: 0...6, using: &random) {
                    line += fragments.randomElement(using: &random) ?? ""
                    if Bool.random(using: &random) { line += " " }
                }
                lines.append(line)
            }
            let block = Array(lines.joined(separator: "\n").utf8)
            var whole: [UInt8] = []
            _ = block.withUnsafeBufferPointer { redactor.redact($0, into: &whole) }
            let byLine = lines.map { redactor.redact($0) }.joined(separator: "\n")
            #expect(String(decoding: whole, as: UTF8.self) == byLine, "\(lines)")
        }
    }

    /// A value of several lines (a key file) is masked line by line too, so output cut between its lines
    /// still never shows a line of it.
    @Test func multiLineValueIsMaskedLineByLine() {
        let key = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIBAQ\n-----END KEY-----"
        let redactor = SecretRedactor(secretValues: [key])
        #expect(redactor.redact("cat key: \(key) done") == "cat key: [REDACTED] done")
        #expect(redactor.redact("MIIEvQIBADANBgkqhkiG9w0B") == "[REDACTED]")
        #expect(redactor.redact("-----END KEY-----") == "[REDACTED]")
        // CRLF line ends too ("\r\n" is one Character in Swift, so the value is split as bytes).
        let crlf = SecretRedactor(secretValues: [key.replacingOccurrences(of: "\n", with: "\r\n")])
        #expect(crlf.redact("MIIEvQIBADANBgkqhkiG9w0B") == "[REDACTED]")
        // Lines shorter than 8 bytes would mask too much and are not values of their own.
        let short = SecretRedactor(secretValues: ["abcdefghij\n}\n"])
        #expect(short.redact("}") == "}")
    }

    /// Values that are equal as Strings but not as bytes (composed and decomposed é) are both masked.
    @Test func canonicallyEqualValuesAreBothMasked() {
        let composed = "caf\u{E9}-secret-1"
        let decomposed = "cafe\u{301}-secret-1"
        let redactor = SecretRedactor(secretValues: [composed, decomposed])
        var out: [UInt8] = []
        let line = Array("x \(decomposed) y \(composed) z".utf8)
        redactor.redact(line[...], into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x [REDACTED] y [REDACTED] z")
    }

    /// 300 MB of build log must cost a small part of a build that prints it. Unoptimized (debug) code is
    /// about 30 times slower, so the floor there is 5 MB/s; optimized builds must reach 150 MB/s
    /// (`Tools/bench-build` measures the release binary end to end; see docs/builder.md).
    @Test func throughput() {
        let sample = Array(
            """
            Collecting nvidia-cublas-cu12==12.4.5.8 (from torch==2.5.1) Bearer-less line with hf and gh words
            #9 12.34   Downloading https://files.example/packages/torch-2.5.1-cp311-linux_x86_64.whl (906.4 MB)
            Successfully installed filelock-3.16.1 fsspec-2024.10.0 jinja2-3.1.4 sympy-1.13.1 AKIA not a key

            """.utf8)
        var block: [UInt8] = []
        while block.count < 8 << 20 { block += sample }
        let lines = block.split(separator: 0x0A)
        let redactor = SecretRedactor(secretValues: ["s3cr3t-value"])
        var out: [UInt8] = []
        out.reserveCapacity(block.count + lines.count)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for line in lines { redactor.redact(line, into: &out) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(block.count) / seconds / 1e6
        #expect(out.count == block.count - lines.count)
        #if DEBUG
            let floor = 5.0
        #else
            let floor = 150.0
        #endif
        #expect(rate > floor, "redactor ran at \(rate) MB/s")
    }
}
