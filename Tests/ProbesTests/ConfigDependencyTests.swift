import Foundation
import Testing

@testable import Probes

@Suite("Config dependency graph")
struct ConfigDependencyTests {
    /// A config from `(name, dependsOn)` pairs, in this order.
    static func graph(_ entries: [(String, [String])]) -> String {
        let items = entries.map { name, deps in
            let list = deps.map { "\"\($0)\"" }.joined(separator: ", ")
            return #"{"name": "\#(name)", "dependsOn": [\#(list)]}"#
        }
        return #"{"services": [\#(items.joined(separator: ", "))]}"#
    }

    @Test func acyclicDiamondIsValid() throws {
        let config = try loadValidConfig(
            Self.graph([
                ("app", ["left", "right"]), ("left", ["db"]), ("right", ["db"]), ("db", []),
            ]))
        #expect(config.services.map(\.dependsOn) == [["left", "right"], ["db"], ["db"], []])
    }

    @Test func selfDependencyIsACycleOfOne() {
        #expect(
            configIssues(Self.graph([("a", []), ("b", ["a", "b"])])) == [
                ConfigIssue(
                    path: "services[1].dependsOn",
                    message: "dependency cycle: b → b (a service cannot depend on itself)")
            ])
    }

    @Test func twoCycleIsNamedInFull() {
        #expect(
            configIssues(Self.graph([("x", []), ("a", ["b"]), ("b", ["a"])])) == [
                ConfigIssue(path: "services[1].dependsOn", message: "dependency cycle: a → b → a")
            ])
    }

    @Test func threeCycleStartsAtItsFirstEntryInTheFile() {
        // File order c, a, b; edges a → b → c → a. The cycle is reported once, from c.
        #expect(
            configIssues(Self.graph([("c", ["a"]), ("a", ["b"]), ("b", ["c"])])) == [
                ConfigIssue(path: "services[0].dependsOn", message: "dependency cycle: c → a → b → c")
            ])
        // The same cycle entered from an acyclic entry before it is still reported once.
        #expect(
            configIssues(Self.graph([("root", ["b"]), ("a", ["b"]), ("b", ["c"]), ("c", ["a"])])) == [
                ConfigIssue(path: "services[1].dependsOn", message: "dependency cycle: a → b → c → a")
            ])
    }

    @Test func separateAndOverlappingCyclesAreEachReported() {
        let issues = configIssues(
            Self.graph([
                ("a", ["b"]), ("b", ["a", "c"]), ("c", ["b"]),
                ("p", ["q"]), ("q", ["p"]),
            ]))
        #expect(
            issues == [
                ConfigIssue(path: "services[0].dependsOn", message: "dependency cycle: a → b → a"),
                ConfigIssue(path: "services[1].dependsOn", message: "dependency cycle: b → c → b"),
                ConfigIssue(path: "services[3].dependsOn", message: "dependency cycle: p → q → p"),
            ])
    }

    @Test func unknownAndDuplicateDependenciesDoNotAlsoReportCycles() {
        let issues = configIssues(Self.graph([("a", ["b", "b", "zz"]), ("b", [])]))
        #expect(
            issues == [
                ConfigIssue(
                    path: "services[0].dependsOn[1]",
                    message: #""b" is listed twice (also at services[0].dependsOn[0])"#),
                ConfigIssue(path: "services[0].dependsOn[2]", message: #"unknown service "zz""#),
            ])
    }

    @Test func dependencyOnAnInvalidNameIsNotAlsoUnknown() {
        #expect(configIssues(Self.graph([("Bad_Name", []), ("a", ["Bad_Name"])])).map(\.path) == ["services[0].name"])
    }

    @Test func longChainAndLongCycleDoNotExhaustTheStack() {
        let count = 5000
        let chain = (0..<count).map { i in ("s\(i)", i + 1 < count ? ["s\(i + 1)"] : []) }
        #expect(configIssues(Self.graph(chain)).isEmpty)

        let cycle = (0..<count).map { i in ("s\(i)", ["s\((i + 1) % count)"]) }
        let issues = configIssues(Self.graph(cycle))
        let expected = (0..<count).map { "s\($0)" } + ["s0"]
        #expect(
            issues == [
                ConfigIssue(
                    path: "services[0].dependsOn",
                    message: "dependency cycle: " + expected.joined(separator: " → "))
            ])
    }
}
