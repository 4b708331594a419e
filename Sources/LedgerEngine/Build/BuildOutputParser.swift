import Foundation

/// One Dockerfile step as the engine reported it.
public struct BuildStep: Sendable, Equatable {
    /// 1-based position among the build's steps.
    public var index: Int
    /// Steps in the build (legacy `Step N/M`) or in the step's stage (BuildKit `[i/n]`).
    public var total: Int?
    /// The instruction as printed (`RUN pip install -r requirements.txt`).
    public var instruction: String
    /// Seconds the step took (BuildKit's own figure, else measured on arrival of the lines).
    public var durationS: Double
    /// The step came from the build cache.
    public var cached: Bool

    /// Memberwise initializer.
    public init(index: Int, total: Int?, instruction: String, durationS: Double, cached: Bool) {
        self.index = index
        self.total = total
        self.instruction = instruction
        self.durationS = durationS
        self.cached = cached
    }
}

/// Turns the engine's build output, line by line, into finished steps.
///
/// Legacy builder:
/// ```
/// Step 2/5 : RUN pip install -r requirements.txt
///  ---> Using cache          (or: ---> Running in 3f2a…, the step's output, Removing intermediate container …)
///  ---> 9b1c0d2e3f4a         (the step's result: it is finished)
/// Successfully built 9b1c0d2e3f4a
/// ```
/// BuildKit `--progress=plain`: `#5 [2/4] RUN …` (or `#5 [stage 2/4] …`), `#5 CACHED`, `#5 DONE 1.2s`,
/// `#5 ERROR: …`, `#9 writing image sha256:… done`. Vertices without `i/n` (`[internal]`, exporting) are not steps.
public struct BuildOutputParser: Sendable {
    private struct Open: Sendable {
        var index: Int
        var total: Int?
        var instruction: String
        var started: ContinuousClock.Instant
        var cached = false
    }

    /// The image ID the engine reported (`sha256:…` from BuildKit, the short ID from the legacy builder).
    public private(set) var imageID: String?
    /// References the legacy builder reported as tagged.
    public private(set) var tagged: [String] = []
    /// Steps finished so far.
    public private(set) var steps: [BuildStep] = []
    /// Which output dialect was seen (`legacy`, `buildkit`), nil before the first recognised line.
    public private(set) var dialect: String?

    private var legacyOpen: Open?
    private var vertices: [Int: Open] = [:]
    private var nextIndex = 1

    /// A parser for one build attempt.
    public init() {}

    /// Whether a line starting with `first` can mean anything to the parser (a cheap rejection for the other
    /// lines of a loud build): `Step`, ` --->`, `#N`, or ESC (a coloured line).
    @inline(__always)
    public static func mayMatter(_ first: UInt8) -> Bool {
        first == UInt8(ascii: "S") || first == UInt8(ascii: " ") || first == UInt8(ascii: "#") || first == 0x1B
    }

    /// Feeds one line (without its newline); returns the steps this line finished.
    @discardableResult
    public mutating func consume(_ line: ArraySlice<UInt8>, at now: ContinuousClock.Instant = .now) -> [BuildStep] {
        line.withUnsafeBufferPointer { consume($0, at: now) }
    }

    /// Feeds one line (without its newline) in place; returns the steps this line finished.
    @discardableResult
    public mutating func consume(_ line: UnsafeBufferPointer<UInt8>, at now: ContinuousClock.Instant = .now)
        -> [BuildStep]
    {
        guard let first = line.first, Self.mayMatter(first) else { return [] }
        if first == UInt8(ascii: " "), !line.starts(with: Self.arrow) { return [] }
        var text = String(decoding: line, as: UTF8.self)
        if first == 0x1B { text = ANSI.strip(text) }
        if text.hasSuffix("\r") { text.removeLast() }
        return consume(text: text, at: now)
    }

    /// Feeds one line of text; returns the steps this line finished.
    @discardableResult
    public mutating func consume(text: String, at now: ContinuousClock.Instant = .now) -> [BuildStep] {
        if text.hasPrefix("#") { return consumeBuildKit(text, at: now) }
        if text.hasPrefix("Step ") {
            guard let colon = text.range(of: " : ") else { return [] }
            let counts = text[text.index(text.startIndex, offsetBy: 5)..<colon.lowerBound].split(separator: "/")
            guard let index = counts.first.flatMap({ Int($0) }) else { return [] }
            dialect = "legacy"
            legacyOpen = Open(
                index: index, total: counts.count > 1 ? Int(counts[1]) : nil,
                instruction: String(text[colon.upperBound...]), started: now)
            return []
        }
        if text.hasPrefix(" ---> ") {
            let rest = text.dropFirst(6)
            if rest.hasPrefix("Using cache") {
                legacyOpen?.cached = true
                return []
            }
            if rest.hasPrefix("Running in ") || rest.contains(" ") || rest.isEmpty { return [] }
            guard let open = legacyOpen else { return [] }
            legacyOpen = nil
            let step = BuildStep(
                index: open.index, total: open.total, instruction: open.instruction,
                durationS: Self.seconds(open.started, now), cached: open.cached)
            steps.append(step)
            return [step]
        }
        if text.hasPrefix("Successfully built ") {
            imageID = String(text.dropFirst(19)).trimmingCharacters(in: .whitespaces)
        } else if text.hasPrefix("Successfully tagged ") {
            tagged.append(String(text.dropFirst(20)).trimmingCharacters(in: .whitespaces))
        }
        return []
    }

    private mutating func consumeBuildKit(_ text: String, at now: ContinuousClock.Instant) -> [BuildStep] {
        let body = text.dropFirst()
        guard let space = body.firstIndex(of: " "), let vertex = Int(body[..<space]) else { return [] }
        let rest = body[body.index(after: space)...]
        dialect = "buildkit"
        if rest.hasPrefix("[") {
            guard vertices[vertex] == nil, let close = rest.firstIndex(of: "]") else { return [] }
            let label = rest[rest.index(after: rest.startIndex)..<close]
            let counts = (label.split(separator: " ").last ?? "").split(separator: "/")
            guard counts.count == 2, let position = Int(counts[0]), let total = Int(counts[1]), position > 0 else {
                return []
            }
            let instruction = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces)
            vertices[vertex] = Open(index: nextIndex, total: total, instruction: instruction, started: now)
            nextIndex += 1
            return []
        }
        if rest.hasPrefix("writing image ") {
            let id = rest.dropFirst(14).split(separator: " ").first.map(String.init)
            if let id, id.hasPrefix("sha256:") { imageID = id }
            return []
        }
        guard let open = vertices[vertex] else { return [] }
        if rest == "CACHED" {
            vertices[vertex] = nil
            let step = BuildStep(
                index: open.index, total: open.total, instruction: open.instruction, durationS: 0, cached: true)
            steps.append(step)
            return [step]
        }
        if rest.hasPrefix("DONE ") {
            vertices[vertex] = nil
            let figure = rest.dropFirst(5).trimmingCharacters(in: .whitespaces)
            let seconds = figure.hasSuffix("s") ? Double(figure.dropLast()) : nil
            let step = BuildStep(
                index: open.index, total: open.total, instruction: open.instruction,
                durationS: seconds ?? Self.seconds(open.started, now), cached: false)
            steps.append(step)
            return [step]
        }
        if rest.hasPrefix("ERROR") || rest.hasPrefix("CANCELED") { vertices[vertex] = nil }
        return []
    }

    /// Steps finished so far that came from the cache.
    public var cachedSteps: Int { steps.filter(\.cached).count }

    private static let arrow: [UInt8] = Array(" ---> ".utf8)

    private static func seconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> Double {
        let duration = from.duration(to: to)
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return (value * 1000).rounded() / 1000
    }
}
