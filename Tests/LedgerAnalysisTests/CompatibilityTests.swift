import Testing

@testable import LedgerAnalysis

@Suite struct CompatibilityTests {
    @Test(arguments: [
        ("2.5.1", "0.20.1", "2.5.1"), ("2.0.0", "0.15.1", "2.0.1"), ("2.6.0", "0.21.0", "2.6.0"),
        ("1.13.1", "0.14.1", "0.13.1"), ("2.10.0", "0.25.0", "2.10.0"),
    ])
    func companions(torch: String, vision: String, audio: String) {
        let pair = Compatibility.companions(ofTorch: torch)
        #expect(pair.torchvision == vision)
        #expect(pair.torchaudio == audio)
    }

    @Test func unknownTorchHasNoCompanions() {
        #expect(Compatibility.companions(ofTorch: "9.9.9").torchvision == nil)
        #expect(Compatibility.companions(ofTorch: "not a version").torchaudio == nil)
    }

    @Test func verdicts() {
        let ok = Compatibility.verdict(
            torch: "2.5.1+cu124", torchvision: "0.20.1+cu124", torchaudio: "2.5.1+cu124",
            torchCuda: "12.4", visionCuda: "12.4", audioCuda: nil)
        #expect(ok.verdict == "ok")
        let mismatch = Compatibility.verdict(
            torch: "2.5.1", torchvision: "0.21.0", torchaudio: nil, torchCuda: "12.4",
            visionCuda: "12.4", audioCuda: nil)
        #expect(mismatch.verdict == "mismatch")
        #expect(mismatch.reason.contains("torchvision==0.20.1"))
        let ngc = Compatibility.verdict(
            torch: "2.5.0a0+872d972e41", torchvision: "0.20.0a0", torchaudio: nil,
            torchCuda: "12.6", visionCuda: "12.6", audioCuda: nil)
        #expect(ngc.verdict == "ok")
        let stableABI = Compatibility.verdict(
            torch: "2.13.0", torchvision: nil, torchaudio: "2.11.0", torchCuda: nil,
            visionCuda: nil, audioCuda: nil)
        #expect(stableABI.verdict == "ok")
        let cuda = Compatibility.verdict(
            torch: "2.5.1", torchvision: "0.20.1", torchaudio: nil, torchCuda: "12.4",
            visionCuda: "11.8", audioCuda: nil)
        #expect(cuda.verdict == "mismatch")
        #expect(
            Compatibility.verdict(
                torch: nil, torchvision: "0.20.1", torchaudio: nil, torchCuda: nil,
                visionCuda: nil, audioCuda: nil
            ).verdict == "unknown")
        #expect(
            Compatibility.verdict(
                torch: "2.5.1", torchvision: "0.99.0", torchaudio: nil, torchCuda: nil,
                visionCuda: nil, audioCuda: nil
            ).verdict == "unknown")
    }

    @Test(
        arguments: [
            ("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel", "2.5.1", "12.4", true),
            ("nvcr.io/nvidia/pytorch:24.07-py3", "2.4.0a0+3bcc3cddb5", "12.5", true),
            ("nvidia/cuda:12.8.1-runtime-ubuntu22.04", nil, "12.8", false),
            (
                "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.5.1-gpu-py311-cu124-ubuntu22.04-ec2",
                "2.5.1", "12.4", nil
            ),
        ] as [(String, String?, String?, Bool?)])
    func baseImages(reference: String, torch: String?, cuda: String?, nvcc: Bool?) {
        let image = BaseImage.parse(reference)
        #expect(image.torch?.description == torch)
        #expect(image.cuda == cuda)
        #expect(image.hasNvcc == nvcc)
    }
}
