import Foundation
import LedgerBuilder
import Testing

struct ImageNamingTests {
    static let projects: [(String, String)] = [
        ("/work/fsdp", "fsdp"), ("/x/My Project_v2", "my-project-v2"), ("/x/--Odd--", "odd"),
        ("/x/___", "docker-image"), ("/x/Tools/example/fsdp/", "fsdp"),
    ]

    @Test(arguments: projects)
    func projectFromContextFolder(_ context: String, _ project: String) {
        #expect(ImageNaming.project(fromContext: context) == project)
    }

    @Test func tags() {
        let now = Date(timeIntervalSince1970: 1_764_064_800)  // 2025-11-25 10:00:00 UTC
        #expect(
            ImageNaming.image(tag: "auto", project: "fsdp", describe: "v1.2-3-gabc1234", now: now)
                == "fsdp:v1.2-3-gabc1234")
        #expect(ImageNaming.image(tag: "auto", project: "fsdp", describe: nil, now: now) == "fsdp:20251125-100000")
        #expect(ImageNaming.image(tag: "v1", project: "fsdp", describe: nil) == "fsdp:v1")
        #expect(
            ImageNaming.image(tag: "registry.local:5000/team/fsdp:v1", project: "fsdp", describe: nil)
                == "registry.local:5000/team/fsdp:v1")
    }

    @Test func autoTagUsesGitDescribeOfTheContextRepository() async throws {
        let context = try await Harness.context(["Dockerfile": "FROM scratch\n"])
        #expect(await ImageNaming.gitDescribe(context: context) == nil)
        #expect(await ImageNaming.gitDescribe(context: Harness.repository)?.isEmpty == false)
    }
}
