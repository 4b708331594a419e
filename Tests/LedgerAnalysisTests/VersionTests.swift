import Testing

@testable import LedgerAnalysis

@Suite struct VersionTests {
    @Test(arguments: [
        ("2.5.1", "2.5.1+cu124", -1), ("2.8.0a0+5228986c39", "2.8.0", -1), ("2.0", "2.0.0", 0),
        ("1.0.dev1", "1.0a1", -1), ("1.0a1", "1.0b1", -1), ("1.0rc1", "1.0", -1), ("1.0", "1.0.post1", -1),
        ("0.20.1", "0.21.0", -1), ("1!0.1", "2.0", 1), ("2.10.0", "2.9.1", 1), ("v1.2", "1.2", 0),
    ])
    func ordering(a: String, b: String, expected: Int) throws {
        let x = try #require(PackageVersion(a))
        let y = try #require(PackageVersion(b))
        #expect(PackageVersion.compare(x, y) == expected)
    }

    @Test(arguments: ["", "abc", "1..2", "1.0+", "==1.0", "1.0 2.0", "1.0-"])
    func rejectsInvalid(_ text: String) {
        #expect(PackageVersion(text) == nil)
    }

    @Test(arguments: [
        ("==2.5.1", "2.5.1+cu124", true), ("==2.5.1+cu124", "2.5.1", false), (">=2.8.0", "2.8.0a0+5228986c39", false),
        (">=2.0,<3", "2.5.1", true), ("~=2.1", "2.9.0", true), ("~=2.1.0", "2.2.0", false), ("==2.5.*", "2.5.9", true),
        ("!=2.5.*", "2.5.0", false), ("<2.6", "2.6.0rc1", false), (">0.30", "0.30.post1", false),
    ])
    func specifiers(spec: String, version: String, contains: Bool) throws {
        let specifier = try #require(VersionSpecifier(parsing: spec))
        #expect(specifier.contains(try #require(PackageVersion(version))) == contains)
    }

    @Test func localAndParts() throws {
        let version = try #require(PackageVersion("2.5.1+cu124"))
        #expect(version.local == "cu124")
        #expect(version.minorKey == "2.5")
        #expect(version.baseString == "2.5.1")
        #expect(try #require(PackageVersion("2.6.0rc1")).isPrerelease)
    }
}
