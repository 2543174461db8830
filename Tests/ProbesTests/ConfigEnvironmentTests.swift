import Foundation
import Testing

@testable import Probes

@Suite("Config environment substitution")
struct ConfigEnvironmentTests {
    static let referenceRule = "(names use letters, digits and _; write $${ for a literal ${)"

    @Test func substitutesInEveryKindOfStringValue() throws {
        let env = [
            "API_URL": "http://10.0.0.7:8080", "TOKEN": "s3cr3t-token", "HOST": "db.internal", "TITLE": "대출",
            "ARG": "--warning=20", "BODY": "ping", "SLOW": "750ms",
        ]
        let config = try loadValidConfig(
            #"""
            {"services": [
              {"name": "api", "title": "${TITLE} API",
               "probe": {"type": "http", "url": "${API_URL}/health", "headers": {"X-Token": "${TOKEN}"},
                        "body": "${BODY}", "timeout": "${SLOW}", "conditions": ["[BODY].token == ${TOKEN}"]}},
              {"name": "db", "probe": {"type": "tcp", "host": "${HOST}", "port": 5432}},
              {"name": "disk", "probe": {"type": "command", "argv": ["check_disk", "${ARG}"]}}
            ]}
            """#, environment: env)
        let api = try #require(config.service(named: "api"))
        #expect(api.title == "대출 API")
        guard case .http(let http) = api.probe?.kind else {
            Issue.record("expected an http probe")
            return
        }
        #expect(http.url.absoluteString == "http://10.0.0.7:8080/health")
        #expect(http.headers == [HTTPHeader(name: "X-Token", value: "s3cr3t-token")])
        #expect(http.body == "ping")
        #expect(api.probe?.timeout == .milliseconds(750))
        #expect(api.probe?.conditions.map(\.source) == ["[BODY].token == s3cr3t-token"])
        guard case .tcp(let tcp) = config.service(named: "db")?.probe?.kind,
            case .command(let command) = config.service(named: "disk")?.probe?.kind
        else {
            Issue.record("expected tcp and command probes")
            return
        }
        #expect(tcp.host == "db.internal")
        #expect(command.argv == ["check_disk", "--warning=20"])
        // Every substituted value is a secret.
        for value in env.values {
            #expect(config.redactor.secrets.contains(value), "\(value) is not redacted")
        }
    }

    @Test func credentialHeadersAreRedactedEvenWhenWrittenLiterally() throws {
        let config = try loadValidConfig(
            configWithProbe(
                #"""
                {"type": "http", "url": "http://127.0.0.1:1/",
                 "headers": {"authorization": "Bearer literal-token", "Cookie": "session=abc123",
                             "Proxy-Authorization": "Basic cHJveHk6cHc=", "Accept": "application/json"}}
                """#))
        let secrets = config.redactor.secrets
        #expect(secrets.contains("Bearer literal-token"))
        #expect(secrets.contains("literal-token"))
        #expect(secrets.contains("session=abc123"))
        #expect(secrets.contains("Basic cHJveHk6cHc="))
        #expect(!secrets.contains("application/json"))
        #expect(config.redactor.redact("sent Bearer literal-token") == "sent ***")
    }

    @Test func missingVariableIsAnErrorAtItsPath() {
        let json = #"""
            {"services": [{"name": "api", "probe": {"type": "http", "url": "${API_URL}/health",
                                                   "headers": {"Authorization": "Bearer ${API_TOKEN}"}}}]}
            """#
        #expect(
            configIssues(json, environment: ["API_URL": "http://x"]) == [
                ConfigIssue(
                    path: "services[0].probe.headers.Authorization",
                    message: "environment variable API_TOKEN is not set")
            ])
        #expect(
            configIssues(json) == [
                ConfigIssue(path: "services[0].probe.url", message: "environment variable API_URL is not set"),
                ConfigIssue(
                    path: "services[0].probe.headers.Authorization",
                    message: "environment variable API_TOKEN is not set"),
            ])
    }

    @Test func everyMissingVariableInOneValueIsReported() {
        #expect(
            configIssues(#"{"services": [{"name": "a", "title": "${ONE} and ${TWO}"}]}"#) == [
                ConfigIssue(path: "services[0].title", message: "environment variable ONE is not set"),
                ConfigIssue(path: "services[0].title", message: "environment variable TWO is not set"),
            ])
    }

    @Test func doubleDollarEscapesALiteralReference() throws {
        let config = try loadValidConfig(
            #"{"services": [{"name": "a", "title": "$${HOME} costs $5, ${X}$ and $$ stay"}]}"#,
            environment: ["HOME": "/root", "X": "x"])
        #expect(config.services[0].title == "${HOME} costs $5, x$ and $$ stay")
        #expect(config.redactor.secrets == ["x"])
    }

    @Test(arguments: [
        (#"${1ABC}"#, #""${1ABC}" is not a valid environment variable reference "# + referenceRule),
        (#"${}"#, #""${}" is not a valid environment variable reference "# + referenceRule),
        (#"http://${HOST"#, "unterminated ${ (write ${NAME}, or $${ for a literal ${)"),
    ])
    func malformedReferences(value: String, message: String) {
        #expect(
            configIssues(#"{"services": [{"name": "a", "title": "\#(value)"}]}"#, environment: ["HOST": "h"])
                == [ConfigIssue(path: "services[0].title", message: message)])
    }

    @Test func keysAreNotSubstituted() {
        #expect(
            configIssues(#"{"services": [{"name": "a", "${KEY}": 1}]}"#, environment: ["KEY": "title"]) == [
                ConfigIssue(
                    path: "services[0]",
                    message: #"unknown key "${KEY}" (allowed: name, title, group, "#
                        + #"dependsOn, probe, slo, quorum, maintenance)"#)
            ])
    }

    @Test func errorLinesQuoteTheFileAndNeverASecret() throws {
        let env = [
            "API_URL": "htp://hunter2-host", "DB_HOST": "correct horse battery", "PERIOD": "forever-and-ever",
            "SERVICE": "Secret_Service", "VERB": "EXFILTRATE", "KIND": "gopher-probe", "PORT": "not-a-port-42",
            "TOKEN": "tok-9f8e7d6c",
        ]
        let json = #"""
            {"services": [
              {"name": "${SERVICE}"},
              {"name": "api", "probe": {"type": "http", "url": "${API_URL}/x", "method": "${VERB}",
                                       "interval": "${PERIOD}",
                                       "headers": {"Authorization": "Bearer ${TOKEN}", "X Bad": "${TOKEN}"}}},
              {"name": "db", "probe": {"type": "tcp", "host": "${DB_HOST}", "port": 70000}},
              {"name": "other", "probe": {"type": "${KIND}"}},
              {"name": "leak", "title": "${PORT}", "probe": {"type": "http", "url": "tok-9f8e7d6c"}}
            ]}
            """#
        let errors = try #require(
            #expect(throws: ConfigErrors.self) {
                _ = try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: env)
            })
        #expect(errors.lines.count >= 7)
        for line in errors.lines {
            for secret in env.values {
                #expect(!line.contains(secret), "\(line) shows \(secret)")
            }
        }
        let text = errors.lines.joined(separator: "\n")
        #expect(text.contains(#"services[0].name: "${SERVICE}" is not a valid name"#))
        #expect(text.contains(#"services[1].probe.url: "${API_URL}/x" is not an http(s) URL"#))
        #expect(text.contains(#"services[1].probe.method: "${VERB}" is not a supported method"#))
        #expect(text.contains(#"services[1].probe.interval: "${PERIOD}" is not a duration"#))
        #expect(text.contains(#"services[2].probe.host: "${DB_HOST}" is not a host name or address"#))
        #expect(text.contains(#"services[3].probe.type: "${KIND}" is not a probe type"#))
        // A literal copy of a secret elsewhere in the file is masked too.
        #expect(text.contains(#"services[4].probe.url: "***" is not an http(s) URL"#))
    }

    @Test func theReferencedVariablesAreTheOnesTheLoaderWouldLookUp() {
        let text = #"{"url": "https://${HOST}/x?t=${TOKEN}", "note": "$${LITERAL} ${bad-name} ${HOST}"}"#
        #expect(ConfigLoader.referencedVariables(in: text) == ["HOST", "TOKEN"])
        #expect(ConfigLoader.referencedVariables(in: "no references").isEmpty)
    }
}
