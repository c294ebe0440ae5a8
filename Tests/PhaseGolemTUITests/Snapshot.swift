import Foundation
import Testing
@testable import PhaseGolemTUI

/// Compares a buffer's snapshot with `__Snapshots__/<name>.txt` next to this file.
///
/// With `SNAPSHOT_RECORD=1` the file is written and the test fails with "recorded", so a
/// re-recording is never silently accepted.
func assertSnapshot(_ buffer: ScreenBuffer, named name: String, filePath: String = #filePath,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let file = directory.appendingPathComponent("\(name).txt")
    let actual = buffer.snapshot
    if ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded snapshot \(name); run again without SNAPSHOT_RECORD", sourceLocation: sourceLocation)
        } catch {
            Issue.record("could not record \(name): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record("missing snapshot \(file.path); record with SNAPSHOT_RECORD=1", sourceLocation: sourceLocation)
        return
    }
    #expect(actual == expected, "snapshot \(name) differs", sourceLocation: sourceLocation)
}
