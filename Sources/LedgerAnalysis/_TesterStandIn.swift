// TEMPORARY stand-in for the analyzer's `Compatibility` (branch `analysis`), so the tester builds on its own.
// The lead deletes this file when the analyzer's real `Compatibility` is merged; the signatures are the same.

/// The compatibility knowledge the tester asks about an installed environment (stand-in).
public enum Compatibility {
    /// Judges installed torch / torchvision / torchaudio versions and their CUDA builds.
    ///
    /// Returns `ok`, `mismatch` or `unknown` with a reason that names the facts and, for a mismatch, the pin to change.
    public static func verdict(
        torch: String?, torchvision: String?, torchaudio: String?, torchCuda: String?, visionCuda: String?,
        audioCuda: String?
    ) -> (verdict: String, reason: String) {
        guard let torch else { return ("unknown", "torch is not installed") }
        let expected = companions(ofTorch: torch)
        guard expected.torchvision != nil else {
            return ("unknown", "no compatibility facts for torch \(torch) in this stand-in table (2.4 to 2.8)")
        }
        if let torchvision, let want = expected.torchvision, minor(torchvision) != minor(want) {
            return ("mismatch", "torchvision \(torchvision) is not built for torch \(torch): pin torchvision==\(want)")
        }
        if let torchaudio, let want = expected.torchaudio, minor(torchaudio) != minor(want) {
            return ("mismatch", "torchaudio \(torchaudio) is not built for torch \(torch): pin torchaudio==\(want)")
        }
        if let torchCuda, let visionCuda, torchCuda != visionCuda {
            return ("mismatch", "torch is built for CUDA \(torchCuda) but torchvision for CUDA \(visionCuda)")
        }
        if let torchCuda, let audioCuda, torchCuda != audioCuda {
            return ("mismatch", "torch is built for CUDA \(torchCuda) but torchaudio for CUDA \(audioCuda)")
        }
        return ("ok", "torch \(torch) matches the installed companions")
    }

    /// The torchvision and torchaudio releases made for a torch release (nil when unknown).
    public static func companions(ofTorch version: String) -> (torchvision: String?, torchaudio: String?) {
        let parts = version.split(separator: "+")[0].split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2, parts[0] == 2, (4...8).contains(parts[1]) else { return (nil, nil) }
        let patch = parts.count > 2 ? parts[2] : 0
        return ("0.\(parts[1] + 15).\(patch)", "2.\(parts[1]).\(patch)")
    }

    private static func minor(_ version: String) -> String {
        version.split(separator: "+")[0].split(separator: ".").prefix(2).joined(separator: ".")
    }
}
