import Foundation
import LedgerBuilder
import Testing

struct ContextCopyTests {
    @Test func honoursDockerIgnoreButAlwaysKeepsTheDockerfile() async throws {
        let context = try await Harness.context([
            "Dockerfile": "FROM scratch\n", ".dockerignore": "*.log\nDockerfile\ndata/\n!data/keep.txt\n**/cache\n",
            "a.txt": "a", "build.log": "x", "data/big.bin": "x", "data/keep.txt": "k", "src/cache/x.pyc": "x",
            "src/main.py": "print()",
        ])
        let copy = try ContextCopy.make(from: context, dockerfile: "Dockerfile")
        defer { copy.remove() }
        let files = Set(
            (FileManager.default.enumerator(atPath: copy.root)?.allObjects as? [String] ?? []).filter {
                var folder: ObjCBool = false
                FileManager.default.fileExists(atPath: "\(copy.root)/\($0)", isDirectory: &folder)
                return !folder.boolValue
            })
        #expect(files == ["Dockerfile", ".dockerignore", "a.txt", "data/keep.txt", "src/main.py"])
    }

    @Test func refusesASymlinkLeavingTheContext() async throws {
        let context = try await Harness.context(["Dockerfile": "FROM scratch\n", "sub/a.txt": "a"])
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: "\(context)/sub/inside", withDestinationPath: "../Dockerfile")
        let inside = try ContextCopy.make(from: context, dockerfile: "Dockerfile")
        #expect((try? manager.destinationOfSymbolicLink(atPath: "\(inside.root)/sub/inside")) == "../Dockerfile")
        inside.remove()
        try FileManager.default.createSymbolicLink(atPath: "\(context)/sub/escape", withDestinationPath: "../../etc")
        #expect {
            try ContextCopy.make(from: context, dockerfile: "Dockerfile")
        } throws: { error in
            guard case BuildError.symlinkLeavesContext(let path, let target) = error else { return false }
            return path.hasSuffix("sub/escape") && target == "../../etc"
        }
        try FileManager.default.removeItem(atPath: "\(context)/sub/escape")
        try FileManager.default.createSymbolicLink(atPath: "\(context)/abs", withDestinationPath: "/etc/passwd")
        #expect(throws: BuildError.self) { try ContextCopy.make(from: context, dockerfile: "Dockerfile") }
    }

    static let ignoreCases: [(String, String, Bool)] = [
        ("*.md", "README.md", true),
        ("*.md", "docs/README.md", false),
        ("**/*.md", "docs/README.md", true),
        ("docs", "docs/a/b.txt", true),
        ("/docs/", "docs/a.txt", true),
        ("tmp?", "tmp1", true),
        ("[a-c].txt", "b.txt", true),
        ("[!a-c].txt", "b.txt", false),
        ("./build", "build/x", true),
    ]

    @Test(arguments: ignoreCases)
    func dockerIgnorePattern(_ pattern: String, _ path: String, _ excluded: Bool) {
        #expect(DockerIgnore(pattern).excludes(path) == excluded)
    }

    @Test func lastMatchWins() {
        let ignore = DockerIgnore("*.txt\n!keep*.txt\nkeep-not.txt\n")
        #expect(ignore.excludes("a.txt"))
        #expect(!ignore.excludes("keep1.txt"))
        #expect(ignore.excludes("keep-not.txt"))
    }
}
