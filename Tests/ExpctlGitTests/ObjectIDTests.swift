import ExpctlGit
import Testing

@Suite struct ObjectIDTests {
    @Test func parsesEitherCaseAndPrintsLowercase() throws {
        let id = try #require(ObjectID(hex: "0123456789abcdef0123456789ABCDEF01234567"))
        #expect(id.hex == "0123456789abcdef0123456789abcdef01234567")
        #expect(id.description == id.hex)
        #expect(id.abbreviated == "0123456")
        #expect(ObjectID(hex: id.hex) == id)
    }

    @Test(arguments: [
        "", "0123456", String(repeating: "a", count: 39), String(repeating: "a", count: 41),
        String(repeating: "g", count: 40), " " + String(repeating: "a", count: 39),
    ])
    func rejectsAnythingButFortyHexDigits(_ text: String) {
        #expect(ObjectID(hex: text) == nil)
    }

    @Test func equalIDsHashAlike() throws {
        let hex = "ffeeddccbbaa99887766554433221100ffeeddcc"
        let ids: Set = [ObjectID(hex: hex), ObjectID(hex: hex.uppercased()), ObjectID(hex: String(hex.reversed()))]
        #expect(ids.count == 2)
    }

    @Test func reportsTheLibraryVersion() {
        let components = GitRepository.libraryVersion.split(separator: ".")
        #expect(components.count == 3)
        #expect(components.allSatisfy { Int($0) != nil })
    }
}
