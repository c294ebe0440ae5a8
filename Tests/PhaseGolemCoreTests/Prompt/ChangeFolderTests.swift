import Testing
@testable import PhaseGolemCore

/// Slugs and `changes/` folder reuse or creation (docs/compatibility.md#running-one-phase).
@Suite("Change folder")
struct ChangeFolderTests {
    @Test("Slugs", arguments: [
        ("Add Login (v2)!", "add-login-v2"),
        ("Add dark mode", "add-dark-mode"),
        ("  Leading and trailing  ", "leading-and-trailing"),
        ("a__b..c//d", "a-b-c-d"),
        ("UPPER lower 123", "upper-lower-123"),
        ("Café au lait", "caf-au-lait"),
        ("naïve — résumé", "na-ve-r-sum"),
        ("Ship it 🚀 now", "ship-it-now"),
        ("!!!", ""),
        ("", ""),
        ("already-a-slug", "already-a-slug"),
        ("tabs\tand\nnewlines", "tabs-and-newlines"),
    ])
    func slug(title: String, expected: String) {
        #expect(ChangeFolder.slug(title) == expected)
    }

    @Test("Creates changes/{id}_{slug} with its parents when there is none")
    func createsFolder() throws {
        let temp = try TemporaryDirectory("pg-changes")
        let root = temp.file("nested/project")
        let path = try ChangeFolder.resolve(root: root, itemID: "WRK-001", title: "Add Login (v2)!")
        #expect(path == root + "/changes/WRK-001_add-login-v2")
        #expect(FileIO.isDirectory(path))
    }

    @Test("The root is used exactly as given")
    func relativeRoot() throws {
        let temp = try TemporaryDirectory("pg-changes")
        let path = try ChangeFolder.resolve(root: temp.path + "/.", itemID: "WRK-001", title: "X")
        #expect(path == temp.path + "/./changes/WRK-001_x")
        #expect(FileIO.isDirectory(path))
    }

    @Test("An existing folder for the item is reused even when the title changed")
    func reusesFolder() throws {
        let temp = try TemporaryDirectory("pg-changes")
        try FileIO.makeDirectories(temp.file("changes/WRK-001_old-title"))
        let path = try ChangeFolder.resolve(root: temp.path, itemID: "WRK-001", title: "New title")
        #expect(path == temp.path + "/changes/WRK-001_old-title")
        #expect(!FileIO.exists(temp.file("changes/WRK-001_new-title")))
    }

    @Test("Only directories whose name starts with `{id}_` count")
    func matchingRules() throws {
        let temp = try TemporaryDirectory("pg-changes")
        try FileIO.makeDirectories(temp.file("changes/WRK-0010_other"))
        try FileIO.makeDirectories(temp.file("changes/WRK-001"))
        try FileIO.makeDirectories(temp.file("changes/XWRK-001_prefixed"))
        try FileIO.append(temp.file("changes/WRK-001_a-file"), Array("not a folder".utf8))
        let path = try ChangeFolder.resolve(root: temp.path, itemID: "WRK-001", title: "Fresh")
        #expect(path == temp.path + "/changes/WRK-001_fresh")
        #expect(FileIO.isDirectory(path))
    }

    @Test("With several candidates the first in sorted order wins")
    func sortedChoice() throws {
        let temp = try TemporaryDirectory("pg-changes")
        for name in ["WRK-001_zeta", "WRK-001_alpha", "WRK-001_mid"] {
            try FileIO.makeDirectories(temp.file("changes/" + name))
        }
        #expect(try ChangeFolder.resolve(root: temp.path, itemID: "WRK-001", title: "t") == temp.path + "/changes/WRK-001_alpha")
    }

    @Test("Resolving twice gives the same folder")
    func idempotent() throws {
        let temp = try TemporaryDirectory("pg-changes")
        let first = try ChangeFolder.resolve(root: temp.path, itemID: "WRK-002", title: "Same")
        let second = try ChangeFolder.resolve(root: temp.path, itemID: "WRK-002", title: "Renamed")
        #expect(first == second)
    }

    @Test("A `changes` file instead of a folder is an error")
    func changesIsAFile() throws {
        let temp = try TemporaryDirectory("pg-changes")
        try FileIO.append(temp.file("changes"), Array("oops".utf8))
        #expect(throws: FileIO.Failure.self) {
            try ChangeFolder.resolve(root: temp.path, itemID: "WRK-001", title: "t")
        }
    }
}
