extension RuleContext {
    /// Base image tags that cannot exist, and floating tags.
    mutating func checkImages() {
        let stageNames = Set(stages.compactMap(\.name))
        for stage in stages where stage.parent == nil {
            guard let image = stage.base, !stageNames.contains(stage.image.lowercased()) else { continue }
            if stage.image.contains("$") { continue }
            if image.isFloating {
                add(
                    RuleID.floatingTag, .warning,
                    "`\(stage.image)` floats (\(image.tag == nil ? "no tag" : "`latest`")): the same Dockerfile builds "
                        + "on a different image tomorrow; pin a version tag",
                    file: dockerfile.path, line: stage.fromLine)
            }
            let problem: TagProblem?
            switch image.family {
            case .pytorch: problem = PyTorchTags.problem(with: image)
            case .ngc: problem = NGCTags.problem(with: image)
            case .cuda: problem = CudaTags.problem(with: image)
            default: problem = nil
            }
            guard let problem else { continue }
            let fix = problem.replacement.flatMap { replacement in
                stage.imageWritten.contains("$")
                    ? nil
                    : FixBuilder.substitute(
                        stage.imageWritten, with: replacement, lines: fileLines[dockerfile.path],
                        file: dockerfile.path, line: stage.fromLine, rule: RuleID.impossibleTag,
                        kind: .baseImage)
            }
            add(
                RuleID.impossibleTag, problem.verified ? .error : .warning,
                problem.reason + (problem.replacement.map { "; nearest existing tag: \($0)" } ?? ""),
                file: dockerfile.path, line: stage.fromLine, fix: fix)
        }
    }

    /// `pip install torch>=2.0` in a shell-form RUN: `>` redirects, so pip gets `torch` and writes a file `=2.0`.
    mutating func checkGluedSpecifiers() {
        var seen: Set<String> = []
        for stage in stages {
            for glued in stage.glued where seen.insert("\(glued.line):\(glued.column)").inserted {
                let lineText = dockerfile.lineText(glued.line)
                let fix = FixBuilder.replaceWritten(
                    lineText, column: glued.column, written: glued.written, with: "\"\(glued.written)\"",
                    file: dockerfile.path, line: glued.line, rule: RuleID.unquotedSpecifier, kind: .quote)
                let redirect = glued.written.contains("<") ? "reads input from a file" : "writes pip's output to a file"
                add(
                    RuleID.unquotedSpecifier, .error,
                    "`\(glued.written)` is unquoted: the shell takes `<`/`>` as a redirection, so pip installs "
                        + "`\(glued.package)` without the specifier and the shell \(redirect); quote it",
                    file: dockerfile.path, line: glued.line, fix: fix)
            }
        }
    }
}
