/// What the rules see: the parsed Dockerfile, its stages, the files read; findings accumulate here.
struct RuleContext {
    let dockerfile: Dockerfile
    let stages: [Stage]
    let files: ContextFiles
    let fileLines: [String: [String]]
    let readSources: Bool
    var findings: [Finding] = []

    init(dockerfile: Dockerfile, stages: [Stage], files: ContextFiles, fileLines: [String: [String]], readSources: Bool) {
        self.dockerfile = dockerfile
        self.stages = stages
        self.files = files
        self.fileLines = fileLines
        self.readSources = readSources
    }

    mutating func runAll() {
        checkImages()
        checkGluedSpecifiers()
        for stage in stages {
            let steps = chain(of: stage.index)
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

    mutating func add(_ rule: String, _ severity: Severity, _ message: String, file: String, line: Int?, fix: Fix? = nil) {
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

    /// Normalized name -> pinned version: the final stage's installs win, then earlier stages'.
    func pins() -> [String: String] {
        var result: [String: String] = [:]
        for stage in stages.reversed() {
            var stagePins: [String: String] = [:]
            for step in chain(of: stage.index) {
                for site in step.sites where site.applies != false && !site.requirement.normalizedName.isEmpty {
                    if let clause = site.requirement.specifier.pinned.map({ _ in site.requirement.specifier.clauses[0].version }) {
                        stagePins[site.requirement.normalizedName] = clause
                    } else if let wheel = site.requirement.wheelVersion {
                        stagePins[site.requirement.normalizedName] = wheel.description
                    } else {
                        stagePins[site.requirement.normalizedName] = nil
                    }
                }
            }
            result.merge(stagePins) { existing, _ in existing }
        }
        return result
    }

    /// Sites of `name` a step installs (markers that are false on Linux excluded).
    static func sites(_ name: String, in step: InstallStep, constraints: Bool = false) -> [RequirementSite] {
        (step.sites + (constraints ? step.constraints : [])).filter {
            $0.requirement.normalizedName == name && $0.applies != false
        }
    }

    /// A location suffix for messages (`requirements.txt:3`).
    static func at(_ site: RequirementSite) -> String { "\(site.file):\(site.line)" }
}
