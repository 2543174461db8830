import Testing
@testable import Probes
@Test func version() { #expect(!ProbesVersion.string.isEmpty) }
