import LedgerEngine
import Testing

struct FailureClassifierTests {
    static let transcripts: [(String, FailureClass)] = [
        ("legacy/resolver-conflict.txt", .resolverConflict),
        ("legacy/network.txt", .network),
        ("legacy/syntax-error.txt", .dockerfileSyntax),
        ("buildkit/resolver-conflict.txt", .resolverConflict),
        ("buildkit/syntax-error.txt", .dockerfileSyntax),
    ]

    @Test(arguments: transcripts)
    func classifiesRecordedTranscript(_ file: String, _ expected: FailureClass) throws {
        #expect(FailureClassifier.classify(try Fixture.text(file)).failureClass == expected)
    }

    static let lines: [(String, FailureClass)] = [
        ("ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/", .resolverConflict),
        ("ERROR: No matching distribution found for torch==9.9.9", .noMatchingDistribution),
        (
            "ERROR: Could not find a version that satisfies the requirement flash-attn (from versions: none)",
            .noMatchingDistribution
        ),
        ("E: Unable to locate package libfoo", .noMatchingDistribution),
        ("E: Temporary failure resolving 'deb.debian.org'", .network),
        ("curl: (6) Could not resolve host: example.com", .network),
        ("OSError: [Errno 28] No space left on device: '/usr/lib/python3'", .diskFull),
        ("The command '/bin/sh -c python train.py' returned a non-zero code: 137", .oomKilled),
        ("process \"/bin/sh -c make\" did not complete successfully: exit code: 137", .oomKilled),
        ("The command '/bin/sh -c false' returned a non-zero code: 1", .commandFailed),
        (
            "ERROR: failed to solve: process \"/bin/sh -c false\" did not complete successfully: exit code: 2",
            .commandFailed
        ),
        ("Error response from daemon: dockerfile parse error line 2: unknown instruction: RUNN", .dockerfileSyntax),
        (
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
            .engineUnavailable
        ),
        ("something odd happened", .unknown),
        ("", .unknown),
    ]

    @Test(arguments: lines)
    func classifiesLine(_ line: String, _ expected: FailureClass) {
        #expect(FailureClassifier.classify("Step 1/1 : RUN x\n\u{1B}[91m\(line)\n\u{1B}[0m").failureClass == expected)
    }

    @Test func resolverMessageNamesTheConflict() throws {
        let result = FailureClassifier.classify(try Fixture.text("legacy/resolver-conflict.txt"))
        #expect(result.message.contains("torchvision 0.21.0 depends on torch==2.6.0"))
        #expect(result.message.contains("The user requested torch==2.5.1"))
    }

    @Test func onlyNetworkIsTransient() {
        #expect(FailureClass.allCases.filter(\.isTransient) == [.network])
        #expect(
            FailureClass.allCases.map(\.rawValue) == [
                "resolver_conflict", "no_matching_distribution", "network", "disk_full", "oom_killed",
                "dockerfile_syntax", "command_failed", "engine_unavailable", "interrupted", "unknown",
            ])
    }
}
