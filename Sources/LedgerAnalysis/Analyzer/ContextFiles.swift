import Foundation

/// Reads files of a build context: text only, UTF-8 only, with errors that name the file.
struct ContextFiles {
    /// The context folder (absolute, standardized).
    let root: URL
    /// Largest file read (a Dockerfile or requirements file past this is not a text file a person wrote).
    static let maximumBytes = 64 << 20

    init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL
    }

    /// The absolute path of `relative` (or `relative` itself when absolute).
    func absolute(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : root.appendingPathComponent(relative).path
    }

    /// `path` relative to the context when inside it, else as given.
    func relative(_ path: String) -> String {
        guard path.hasPrefix("/") else { return ContextFiles.normalize(path) }
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        return standardized.hasPrefix(rootPath) ? String(standardized.dropFirst(rootPath.count)) : standardized
    }

    /// Remembers what each path is (a file, a folder, nothing): a large Dockerfile asks about the same few paths.
    final class KindCache {
        var kinds: [String: Int] = [:]
    }
    let cache = KindCache()

    /// 0 nothing, 1 file, 2 folder.
    func kind(_ relative: String) -> Int {
        if let known = cache.kinds[relative] { return known }
        var isDirectory: ObjCBool = false
        let found = FileManager.default.fileExists(atPath: absolute(relative), isDirectory: &isDirectory)
        let kind = found ? (isDirectory.boolValue ? 2 : 1) : 0
        if cache.kinds.count < 100_000 { cache.kinds[relative] = kind }
        return kind
    }

    func exists(_ relative: String) -> Bool { kind(relative) == 1 }

    func isDirectory(_ relative: String) -> Bool { kind(relative) == 2 }

    /// Reads a text file, refusing missing, binary and non-UTF-8 files with an error naming `name`.
    func readText(_ relative: String, name: String? = nil) throws -> String {
        let label = name ?? relative
        let path = absolute(relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AnalysisError(file: label, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw AnalysisError(file: label, reason: "is a directory, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AnalysisError(file: label, reason: "cannot be read (permission denied?)")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Self.maximumBytes + 1)) ?? Data()
        guard data.count <= Self.maximumBytes else {
            throw AnalysisError(file: label, reason: "is larger than \(Self.maximumBytes >> 20) MiB; not a text file")
        }
        return try Self.decode(data, name: label)
    }

    /// Decodes UTF-8 text (a BOM is dropped), refusing NUL bytes and invalid UTF-8.
    static func decode(_ data: Data, name: String) throws -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let nul = bytes.firstIndex(of: 0) {
            throw AnalysisError(file: name, reason: "is a binary file (NUL byte at offset \(nul)), not text")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw AnalysisError(file: name, reason: "is not valid UTF-8 text")
        }
        return text
    }

    /// `a/./b/../c` -> `a/c`; strips leading `./` and `/`.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// Python sources under the context (bounded), for rules that read imports.
    func pythonSources(limit: Int = 2000, byteLimit: Int = 64 << 20) -> [String] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey], options: [.skipsHiddenFiles])
        else { return [] }
        let skipped: Set<String> = ["node_modules", "venv", "__pycache__", "site-packages", "build", "dist"]
        var found: [String] = []
        var bytes = 0
        while let url = enumerator.nextObject() as? URL, bytes < byteLimit {
            if skipped.contains(url.lastPathComponent) {
                enumerator.skipDescendants()
                continue
            }
            guard url.pathExtension == "py" else { continue }
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true, (values?.fileSize ?? 0) < (2 << 20) else { continue }
            bytes += values?.fileSize ?? 0
            found.append(relative(url.path))
            if found.count >= limit { break }
        }
        return found.sorted()
    }
}
