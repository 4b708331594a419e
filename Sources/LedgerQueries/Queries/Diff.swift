import Foundation
import GRDB

/// One line of `ledger diff A B`: inputs first (Dockerfile, build args, base image, pins, host), then steps.
public struct DiffRow: TabularRow, Equatable {
    /// `dockerfile|build_arg|base_image|pin|host|step`.
    public var section: String
    /// What is compared: a line number pair, an argument or package name, a host fact, a step.
    public var name: String
    /// `same|changed|added|removed`.
    public var change: String
    public var a: String?
    public var b: String?
    /// Steps: durations in A and B and B - A.
    public var aS: Double?
    public var bS: Double?

    /// The row's fields.
    public var fields: [Field] {
        var fields = [
            Field("section", .text(section)), Field("name", .text(name)), Field("change", .text(change)),
            Field("a", .optional(a)), Field("b", .optional(b)),
        ]
        if section == "step" {
            let delta = (aS != nil && bS != nil) ? (bS ?? 0) - (aS ?? 0) : nil
            fields += [Field("a_s", .seconds(aS)), Field("b_s", .seconds(bS)), Field("delta_s", .seconds(delta))]
        }
        return fields
    }
}

/// A build named in `diff` does not exist (or the prefix is ambiguous).
public struct UnknownBuild: Error, CustomStringConvertible {
    /// The id given.
    public var id: String
    /// How many builds matched.
    public var matches: Int
    /// One line for the CLI.
    public var description: String {
        matches == 0 ? "no build \(id) in the journal" : "build id prefix \(id) matches \(matches) builds"
    }
}

extension Queries {
    /// Two builds side by side: inputs first, then per-step time deltas of each build's last attempt.
    public static func diff(_ a: String, _ b: String, in db: Database) throws -> [DiffRow] {
        let left = try inputs(of: resolveBuild(a, in: db), in: db)
        let right = try inputs(of: resolveBuild(b, in: db), in: db)
        var rows = dockerfileDiff(left.dockerfile, right.dockerfile)
        rows += mapDiff("build_arg", left.buildArgs, right.buildArgs)
        rows.append(pair("base_image", "base_image", left.baseImage, right.baseImage))
        rows += mapDiff("pin", left.pins, right.pins)
        rows += mapDiff("host", left.host, right.host)
        let count = max(left.steps.count, right.steps.count)
        for index in 0..<count {
            let l = index < left.steps.count ? left.steps[index] : nil
            let r = index < right.steps.count ? right.steps[index] : nil
            var row = pair("step", "\(index + 1)", l?.instruction, r?.instruction)
            row.aS = l?.duration
            row.bS = r?.duration
            rows.append(row)
        }
        return rows
    }

    static func resolveBuild(_ id: String, in db: Database) throws -> String {
        let ids = try String.fetchAll(
            db, sql: "SELECT build_id FROM q_builds WHERE build_id >= ? AND build_id < ? LIMIT 2",
            arguments: [id, id + "\u{10FFFF}"])
        if ids.count == 1, let only = ids.first { return only }
        if ids.contains(id) { return id }
        throw UnknownBuild(id: id, matches: ids.count)
    }

    struct BuildInputs {
        var dockerfile = ""
        var buildArgs: [String: String] = [:]
        var baseImage: String?
        var pins: [String: String] = [:]
        var host: [String: String] = [:]
        var steps: [(instruction: String, duration: Double)] = []
    }

    static func inputs(of id: String, in db: Database) throws -> BuildInputs {
        var inputs = BuildInputs()
        if let row = try Row.fetchOne(
            db,
            sql: """
                SELECT i.dockerfile_text, i.build_args, i.pins, i.host, b.base_image FROM q_build_inputs i
                JOIN q_builds b ON b.build_id = i.build_id WHERE i.build_id = ?
                """, arguments: [id])
        {
            inputs.dockerfile = row["dockerfile_text"]
            inputs.buildArgs = flatten(row["build_args"])
            inputs.pins = flatten(row["pins"])
            inputs.host = flatten(row["host"])
            inputs.baseImage = row["base_image"]
        }
        let attempt = try Int.fetchOne(db, sql: "SELECT max(attempt) FROM q_steps WHERE build_id = ?", arguments: [id])
        for row in try Row.fetchAll(
            db, sql: "SELECT instruction, duration_s FROM q_steps WHERE build_id = ? AND attempt = ? ORDER BY idx",
            arguments: [id, attempt ?? 0])
        {
            inputs.steps.append((row["instruction"], row["duration_s"]))
        }
        return inputs
    }

    /// A JSON object's scalar members as text (nested values as JSON text).
    static func flatten(_ json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return [:]
        }
        var result: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let text as String: result[key] = text
            case let number as NSNumber: result[key] = number.stringValue
            case is NSNull: continue
            default:
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
                result[key] = data.map { String(decoding: $0, as: UTF8.self) }
            }
        }
        return result
    }

    static func pair(_ section: String, _ name: String, _ a: String?, _ b: String?) -> DiffRow {
        let change = a == b ? "same" : a == nil ? "added" : b == nil ? "removed" : "changed"
        return DiffRow(section: section, name: name, change: change, a: a, b: b)
    }

    static func mapDiff(_ section: String, _ a: [String: String], _ b: [String: String]) -> [DiffRow] {
        Set(a.keys).union(b.keys).sorted().map { pair(section, $0, a[$0], b[$0]) }
    }

    /// A line diff (longest common subsequence) of two Dockerfiles; names are `a-line:b-line`.
    static func dockerfileDiff(_ a: String, _ b: String) -> [DiffRow] {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lcs = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var rows: [DiffRow] = []
        var i = 0
        var j = 0
        while i < x.count || j < y.count {
            if i < x.count, j < y.count, x[i] == y[j] {
                rows.append(DiffRow(section: "dockerfile", name: "\(i + 1):\(j + 1)", change: "same", a: x[i], b: y[j]))
                i += 1
                j += 1
            } else if j < y.count, i == x.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                rows.append(DiffRow(section: "dockerfile", name: "-:\(j + 1)", change: "added", a: nil, b: y[j]))
                j += 1
            } else {
                rows.append(DiffRow(section: "dockerfile", name: "\(i + 1):-", change: "removed", a: x[i], b: nil))
                i += 1
            }
        }
        return rows
    }
}
