import Foundation
import LedgerEngine

/// Project names and image references.
public enum ImageNaming {
    /// The project from the context folder's name: lower-cased, other characters than `a-z0-9-` turned into
    /// `-`, trimmed of `-`; `docker-image` when nothing is left.
    public static func project(fromContext context: String) -> String {
        let name = URL(fileURLWithPath: context).standardizedFileURL.lastPathComponent.lowercased()
        let mapped = String(name.map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" ? $0 : "-" })
        let trimmed = mapped.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "docker-image" : trimmed
    }

    /// The image reference: a `tag` holding `:` is used whole; `auto` is `project:<describe>` (falling back to a
    /// UTC timestamp `YYYYmmdd-HHMMSS`); anything else is `project:tag`.
    public static func image(tag: String, project: String, describe: String?, now: Date = Date()) -> String {
        if tag.contains(":") { return tag }
        if tag != "auto" { return "\(project):\(tag)" }
        if let describe, let clean = dockerTag(describe) { return "\(project):\(clean)" }
        return "\(project):\(timestamp(now))"
    }

    /// `YYYYmmdd-HHMMSS` in UTC.
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    /// `text` as a valid Docker tag (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`), or nil when nothing usable is left.
    public static func dockerTag(_ text: String) -> String? {
        let mapped = String(
            text.trimmingCharacters(in: .whitespacesAndNewlines).map {
                ($0.isASCII && ($0.isLetter || $0.isNumber)) || "_.-".contains($0) ? $0 : "-"
            })
        let trimmed = mapped.drop { $0 == "." || $0 == "-" }.prefix(128)
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// `git describe --tags --always` of the repository holding `context`, or nil when it is none.
    public static func gitDescribe(context: String) async -> String? {
        guard ProcessRunner.which("git") != nil,
            let output = try? await ProcessRunner.capture(
                "git", ["-C", context, "describe", "--tags", "--always"], timeout: .seconds(10)),
            output.termination.succeeded
        else { return nil }
        let text = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
