import Foundation
import Testing
@testable import PhaseGolemCore

/// The fast line scan behind `status` and the one-item edits agrees with the full parser: what it
/// accepts the parser accepts, with the same values, and the row it builds is the parser's row.
@Suite("ItemLineScan")
struct ItemLineScanTests {
    /// Compares a scan with the full parse of the same line; returns false (and records why) on a mismatch.
    static func agrees(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { line in
            let item: StoreItem?
            do throws(ItemLineError) {
                item = try StoreItem.parse(line: bytes[...])
            } catch {
                item = nil
            }
            guard let scan = ItemLineScan.scan(line) else { return true }
            guard let item else {
                Issue.record("the scan accepted a line the parser rejects: \(String(decoding: bytes, as: UTF8.self))")
                return false
            }
            var same = ItemLineScan.string(scan.id, in: line) == item.id
                && ItemLineScan.string(scan.title, in: line) == item.title
                && scan.status == item.status
                && scan.hasParentKey == item.hadParentKey
                && scan.hasBlockedFromStatus == (item.blockedFromStatus != nil)
                && (!scan.idIsPlain || scan.idBytes(line).elementsEqual(item.id.utf8))
            for key in ItemLineScan.TrackedKey.allCases {
                let raw = scan[key].map { Array(line[$0]) }
                let parsedRaw = item.extensionValue(key.name).map { _ in true }
                same = same && (raw != nil) == (parsedRaw != nil)
                if let raw, let value = item.extensionValue(key.name) {
                    same = same && (try? JSONParser.parse(String(decoding: raw, as: UTF8.self))) == value
                }
            }
            if let row = StatusReport.Row(scan, line: line) {
                same = same && row == StatusReport.Row(item) && item.phaseGolemWarnings().isEmpty
            }
            if !same { Issue.record("the scan and the parser disagree on: \(String(decoding: bytes, as: UTF8.self))") }
            return same
        }
    }

    @Test("Every tracked key and core field is recognized by its name, and only by it")
    func keyMatching() {
        for key in ItemLineScan.TrackedKey.allCases {
            let name = Array(key.name.utf8)
            #expect(name.withUnsafeBufferPointer { ItemLineScan.TrackedKey.match($0) } == key, "\(key.name)")
            #expect((name + [0x78]).withUnsafeBufferPointer { ItemLineScan.TrackedKey.match($0) } == nil)
        }
        for field in ItemField.allCases {
            #expect(Array(field.name.utf8).withUnsafeBufferPointer { ItemLineCursor.field($0) } == field, "\(field.name)")
        }
    }

    @Test("Every fixture item line is scanned, with the parser's values and row")
    func fixtureLines() throws {
        for relative in Fixtures.activeFiles + Fixtures.archiveFiles {
            let lines = try Fixtures.bytes(relative).split(separator: 0x0A).dropFirst().map(Array.init)
            var scanned = 0
            for line in lines {
                #expect(Self.agrees(line))
                if line.withUnsafeBufferPointer({ ItemLineScan.scan($0) }) != nil { scanned += 1 }
            }
            // Real lines are the plain kind: the fast path must actually be taken.
            #expect(scanned == lines.count, "\(relative): \(lines.count - scanned) lines fell back to the full parser")
        }
    }

    @Test("Mutated store lines: whatever the scan accepts, the parser accepts with the same values")
    func mutatedLines() async throws {
        await FuzzTests.run("line scan vs parser", seed: 11, corpus: try FuzzTests.storeCorpus()) { bytes in
            let accepted = bytes.withUnsafeBufferPointer { ItemLineScan.scan($0) } != nil
            guard Self.agrees(bytes) else { return .bad }
            return accepted ? .accepted : .rejected
        }
    }

    @Test("Lines the parser rejects are not scanned", arguments: [
        itemLine(id: "A-1").replacingOccurrences(of: "\"priority\":0", with: "\"priority\":1.5"),
        itemLine(id: "A-1").replacingOccurrences(of: "\"priority\":0", with: "\"priority\":01"),
        itemLine(id: "A-1").replacingOccurrences(of: "\"priority\":0", with: "\"priority\":1e3"),
        itemLine(id: "A-1").replacingOccurrences(of: "2026-02-26T12:00:00Z\",\"updated", with: "2026-02-30T12:00:00Z\",\"updated"),
        itemLine(id: "A-1", title: "tab\tinside"),
        itemLine(id: "A-1", title: "lone \\ud800 surrogate"),
        itemLine(id: "A-1", title: "bad \\q escape"),
        itemLine(id: "A-1", status: "doing", extra: ",\"status\":\"todo\""),
        itemLine(id: "A-1", extra: ",\"parentt\":null"),
        itemLine(id: "A-1", extra: ",\"x-pg-phase\":[1,]"),
        itemLine(id: "A-1", extra: ",\"x-pg-phase\":\"a\"} "),
        itemLine(id: "A-1").replacingOccurrences(of: "\"tags\":[],", with: ""),
        itemLine(id: "A-1", status: "paused"),
    ])
    func rejected(_ line: String) {
        let bytes = Array(line.utf8)
        #expect(bytes.withUnsafeBufferPointer { ItemLineScan.scan($0) } == nil)
        #expect(throws: ItemLineError.self) { try StoreItem.parse(line: bytes[...]) }
    }

    @Test("Valid but unusual lines go to the full parser", arguments: [
        itemLine(id: "A-1").replacingOccurrences(of: "{\"id\"", with: "{\"\\u0069d\""),
        itemLine(id: "A-1", extra: ",\"x-caf\u{E9}\":1"),
        itemLine(id: "A-1").replacingOccurrences(of: "\"priority\":0", with: "\"priority\":9223372036854775807"),
    ])
    func unusual(_ line: String) throws {
        let bytes = Array(line.utf8)
        #expect(bytes.withUnsafeBufferPointer { ItemLineScan.scan($0) } == nil)
        _ = try StoreItem.parse(line: bytes[...])
    }

    @Test("Strings with escapes and non-ASCII text are scanned and decoded as the parser decodes them")
    func escapesAndUnicode() throws {
        let line = itemLine(id: "A-1", title: "caf\u{E9} \\\"quoted\\\" \\u00e9 \\ud83d\\ude00 a long title past eight bytes",
                            extra: ",\"x-pg-phase\":\"b\\u0075ild\",\"x-pg-pipeline-type\":\"feature\"")
        let bytes = Array(line.utf8)
        #expect(Self.agrees(bytes))
        let row = try #require(bytes.withUnsafeBufferPointer { buffer in ItemLineScan.scan(buffer).flatMap { StatusReport.Row($0, line: buffer) } })
        #expect(row.title == "caf\u{E9} \"quoted\" \u{E9} \u{1F600} a long title past eight bytes")
        #expect(row.phase == "build")
    }

    @Test("A value status would warn about sends the line to the full parser, so the warning is printed", arguments: [
        ",\"x-pg-status\":\"paused\"", ",\"x-pg-size\":\"huge\"", ",\"x-pg-impact\":3", ",\"x-pg-description\":\"text\"",
        ",\"x-pg-blocked-from-status\":\"ready\"", ",\"x-pg-phase-pool\":\"side\"", ",\"x-pg-blocked-type\":null",
    ])
    func warningsTakeTheFullPath(_ extra: String) throws {
        let bytes = Array(itemLine(id: "A-1", extra: extra).utf8)
        let scan = try #require(bytes.withUnsafeBufferPointer { ItemLineScan.scan($0) })
        #expect(bytes.withUnsafeBufferPointer { StatusReport.Row(scan, line: $0) } == nil)
        #expect(!(try StoreItem.parse(line: bytes[...])).phaseGolemWarnings().isEmpty)
    }
}
