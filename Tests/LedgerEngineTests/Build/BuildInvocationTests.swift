import LedgerEngine
import Testing

struct BuildInvocationTests {
    @Test func legacyPassesSecretsAsBuildArgs() {
        let invocation = BuildInvocation(
            context: "/ctx", dockerfile: "/ctx/Dockerfile", tag: "fsdp:v1", buildArgs: ["A=1"],
            secretBuildArgs: ["TOKEN": "x"], network: "none", buildKit: false, imageIDFile: "/tmp/iid")
        let (arguments, environment) = invocation.commandLine
        #expect(
            arguments == [
                "build", "-f", "/ctx/Dockerfile", "-t", "fsdp:v1", "--network", "none", "--iidfile", "/tmp/iid",
                "--build-arg", "A=1", "--build-arg", "TOKEN=x", "/ctx",
            ])
        #expect(environment == ["DOCKER_BUILDKIT": "0"])
    }

    @Test func buildKitMountsSecretsFromTheEnvironment() {
        let invocation = BuildInvocation(
            context: "/ctx", dockerfile: "/ctx/Dockerfile", tag: "fsdp:v1", secretBuildArgs: ["TOKEN": "x"],
            buildKit: true)
        let (arguments, environment) = invocation.commandLine
        #expect(arguments.contains("--progress=plain"))
        #expect(arguments.contains("id=TOKEN,env=LEDGER_SECRET_TOKEN"))
        #expect(!arguments.contains("x") && !arguments.contains { $0.hasSuffix("=x") })
        #expect(environment == ["DOCKER_BUILDKIT": "1", "LEDGER_SECRET_TOKEN": "x"])
    }
}
