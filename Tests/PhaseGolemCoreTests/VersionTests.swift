import Testing
@testable import PhaseGolemCore
@Test func version() { #expect(!PhaseGolemVersion.current.isEmpty) }
