/// Why a build could not start or continue (the CLI maps these to exit 2, unusable input).
public enum BuildError: Error, Sendable, CustomStringConvertible {
    /// The context folder does not exist.
    case missingContext(path: String)
    /// The Dockerfile is not in the context.
    case missingDockerfile(path: String)
    /// A symlink in the context points outside it.
    case symlinkLeavesContext(path: String, target: String)
    /// A `K=V` argument without `=`.
    case badArgument(flag: String, value: String)
    /// The context could not be copied.
    case copyFailed(path: String, detail: String)

    public var description: String {
        switch self {
        case .missingContext(let path):
            return "\(path): no such context folder: pass --context DIR"
        case .missingDockerfile(let path):
            return "\(path): no such Dockerfile: pass --dockerfile F (relative to the context)"
        case .symlinkLeavesContext(let path, let target):
            return "\(path): symlink to \(target) leaves the build context: copy the file in or add it to .dockerignore"
        case .badArgument(let flag, let value):
            return "\(flag) \(value): expected NAME=VALUE"
        case .copyFailed(let path, let detail):
            return "\(path): cannot copy the context (\(detail))"
        }
    }
}
