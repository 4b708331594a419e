/// What the rules see: the parsed Dockerfile, its stages, the files read; findings accumulate here.
struct RuleContext {
    let dockerfile: Dockerfile
    let stages: [Stage]
    let files: ContextFiles
    let fileLines: [String: [String]]
    let readSources: Bool
    var findings: [Finding] = []

    init(dockerfile: Dockerfile, stages: [Stage], files: ContextFiles, fileLines: [String: [String]], readSources: Bool)
    {
        self.dockerfile = dockerfile
        self.stages = stages
        self.files = files
        self.fileLines = fileLines
        self.readSources = readSources
    }

    mutating func runAll() {
        checkImages()
        checkGluedSpecifiers()
        // Stages others build on are checked through their children's chains; when chains would overlap past
        // a bound (a pathological tree of stages), each stage is checked on its own steps only.
        let parents = Set(stages.compactMap(\.parent))
        let leaves = stages.filter { !parents.contains($0.index) }
        let totalSteps = stages.reduce(0) { $0 + $1.steps.count }
        let chained = leaves.reduce(0) { $0 + chainLength(of: $1.index) }
        let ownOnly = chained > 4 * totalSteps + 10_000
        for stage in ownOnly ? stages : leaves {
            let steps = ownOnly ? stage.steps : chain(of: stage.index)
            checkReleases(steps)
            checkIndexes(steps)
            checkLocalVariants(steps)
            simulate(stage: stage, steps: steps)
            checkExtensions(stage: stage, steps: steps)
            checkWheels(stage: stage, steps: steps)
            checkHubFloor(steps)
        }
        if readSources, let last = stages.last { checkFullyShard(stage: last, steps: chain(of: last.index)) }
    }

    /// The install steps of a stage and its ancestors, oldest first.
    func chain(of index: Int) -> [InstallStep] {
        var order: [Int] = []
        var current: Int? = index
        var guardCount = 0
        while let value = current, guardCount < 256 {
            order.insert(value, at: 0)
            current = stages[value].parent
            guardCount += 1
        }
        return order.flatMap { stages[$0].steps }
    }

    /// How many steps `chain(of:)` would return, without building it.
    func chainLength(of index: Int) -> Int {
        var count = 0
        var current: Int? = index
        var guardCount = 0
        while let value = current, guardCount < 256 {
            count += stages[value].steps.count
            current = stages[value].parent
            guardCount += 1
        }
        return count
    }

    mutating func add(
        _ rule: String, _ severity: Severity, _ message: String, file: String, line: Int?, fix: Fix? = nil
    ) {
        findings.append(Finding(rule: rule, severity: severity, message: message, file: file, line: line, fix: fix))
    }

    /// Findings in file and line order, duplicates (from stages sharing ancestors) removed.
    func sortedFindings() -> [Finding] {
        var seen: Set<String> = []
        var unique: [Finding] = []
        for finding in findings {
            let key = "\(finding.rule)|\(finding.file)|\(finding.line ?? 0)|\(finding.message)"
            if seen.insert(key).inserted { unique.append(finding) }
        }
        let dockerfilePath = dockerfile.path
        return unique.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.file != y.file {
                if x.file == dockerfilePath { return true }
                if y.file == dockerfilePath { return false }
                return x.file < y.file
            }
            if (x.line ?? 0) != (y.line ?? 0) { return (x.line ?? 0) < (y.line ?? 0) }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Normalized name -> pinned version: the final stage's installs (its chain) win, then other stages'.
    func pins() -> [String: String] {
        guard let last = stages.last else { return [:] }
        var result = Self.pins(in: chain(of: last.index))
        let inChain = Set(sequence(first: last.index) { stages[$0].parent }.prefix(256))
        for stage in stages.reversed() where !inChain.contains(stage.index) {
            result.merge(Self.pins(in: stage.steps)) { existing, _ in existing }
        }
        return result
    }

    /// The last exact pin of each name in `steps` (an unpinned install keeps what is installed).
    static func pins(in steps: [InstallStep]) -> [String: String] {
        var pins: [String: String] = [:]
        for step in steps {
            for site in step.sites where site.applies != false && !site.requirement.normalizedName.isEmpty {
                let name = site.requirement.normalizedName
                if site.requirement.specifier.pinned != nil {
                    pins[name] = site.requirement.specifier.clauses[0].version
                } else if let wheel = site.requirement.wheelVersion {
                    pins[name] = wheel.description
                }
            }
        }
        return pins
    }

    /// Sites of `name` a step installs (markers that are false on Linux excluded).
    static func sites(_ name: String, in step: InstallStep, constraints: Bool = false) -> [RequirementSite] {
        var found = step.sites.filter { $0.requirement.normalizedName == name && $0.applies != false }
        if constraints {
            found += step.constraints.filter { $0.requirement.normalizedName == name && $0.applies != false }
        }
        return found
    }

    /// A location suffix for messages (`requirements.txt:3`).
    static func at(_ site: RequirementSite) -> String { "\(site.file):\(site.line)" }
}
