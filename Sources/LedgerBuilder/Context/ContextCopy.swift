import Foundation

/// A build's private copy of its context: fixes are applied here, never to the user's files.
public struct ContextCopy: Sendable {
    /// The copy's root folder (inside the temporary folder).
    public let root: String
    /// Files copied.
    public let fileCount: Int

    /// Copies `context` into a new temporary folder, leaving out what `.dockerignore` excludes (the Dockerfile
    /// and `.dockerignore` itself always travel, as with `docker build`).
    ///
    /// - Throws: ``BuildError/symlinkLeavesContext(path:target:)`` for a symlink that points outside the
    ///   context (absolute, or climbing above it with `..`).
    public static func make(
        from context: String, dockerfile: String, temporaryDirectory: String = NSTemporaryDirectory()
    ) throws -> ContextCopy {
        let manager = FileManager.default
        let source = URL(fileURLWithPath: context).standardizedFileURL.path
        let root = URL(fileURLWithPath: temporaryDirectory)
            .appendingPathComponent("ledger-build-\(UUID().uuidString.lowercased())").path
        do {
            try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw BuildError.copyFailed(path: root, detail: "\(error)")
        }
        var copier = Copier(
            source: source, root: root, ignore: DockerIgnore(context: source),
            alwaysKept: [dockerfile, ".dockerignore"])
        do {
            try copier.walk("")
        } catch {
            try? manager.removeItem(atPath: root)
            throw error
        }
        return ContextCopy(root: root, fileCount: copier.files)
    }

    /// Deletes the copy.
    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

private struct Copier {
    let source: String
    let root: String
    let ignore: DockerIgnore
    let alwaysKept: Set<String>
    var files = 0

    mutating func walk(_ relative: String) throws {
        let manager = FileManager.default
        let folder = relative.isEmpty ? source : "\(source)/\(relative)"
        let names: [String]
        do { names = try manager.contentsOfDirectory(atPath: folder).sorted() } catch {
            throw BuildError.copyFailed(path: folder, detail: "\(error)")
        }
        for name in names {
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            let from = "\(source)/\(path)"
            let to = "\(root)/\(path)"
            let excluded = ignore.excludes(path) && !alwaysKept.contains(path)
            var info = stat()
            guard lstat(from, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            do {
                if type == S_IFDIR {
                    if excluded && !ignore.hasExceptions { continue }
                    try manager.createDirectory(atPath: to, withIntermediateDirectories: true)
                    try walk(path)
                    if excluded, (try? manager.contentsOfDirectory(atPath: to))?.isEmpty == true {
                        try manager.removeItem(atPath: to)
                    }
                } else if excluded {
                    continue
                } else if type == S_IFLNK {
                    let target = try manager.destinationOfSymbolicLink(atPath: from)
                    guard Self.staysInside(link: path, target: target) else {
                        throw BuildError.symlinkLeavesContext(path: from, target: target)
                    }
                    try ensureParent(to)
                    try manager.createSymbolicLink(atPath: to, withDestinationPath: target)
                } else if type == S_IFREG {
                    try ensureParent(to)
                    try manager.copyItem(atPath: from, toPath: to)
                    files += 1
                }
            } catch let error as BuildError {
                throw error
            } catch {
                throw BuildError.copyFailed(path: from, detail: "\(error)")
            }
        }
    }

    private func ensureParent(_ path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: parent) {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
    }

    /// A relative target that, resolved from the link's folder, never climbs above the context root.
    static func staysInside(link: String, target: String) -> Bool {
        if target.hasPrefix("/") { return false }
        var depth = link.split(separator: "/").count - 1
        for part in target.split(separator: "/", omittingEmptySubsequences: true) {
            if part == ".." {
                depth -= 1
                if depth < 0 { return false }
            } else if part != "." {
                depth += 1
            }
        }
        return true
    }
}
