import Foundation

/// A fresh temporary folder per test.
public func temporaryDirectory(_ label: String = "store") -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("ledger-\(label)-\(UUID().uuidString.prefix(8))").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs a command and returns (status, stdout, stderr); output goes through temporary files.
@discardableResult
public func shell(_ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil)
    throws -> (Int32, Data, String)
{
    let dir = temporaryDirectory("shell")
    FileManager.default.createFile(atPath: dir + "/out", contents: nil)
    FileManager.default.createFile(atPath: dir + "/err", contents: nil)
    FileManager.default.createFile(atPath: dir + "/in", contents: stdin ?? Data())
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = FileHandle(forWritingAtPath: dir + "/out")
    process.standardError = FileHandle(forWritingAtPath: dir + "/err")
    process.standardInput = FileHandle(forReadingAtPath: dir + "/in")
    try process.run()
    process.waitUntilExit()
    let out = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/out"))) ?? Data()
    let err = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: dir)
    return (process.terminationStatus, out, err)
}
