import ExpctlGit
import Testing

@Suite struct BlobContentsTests {
    @Test func handsOverTheExactBytes() throws {
        try TestRepository.with { fixture in
            let binary = (0...255).map { UInt8($0) } + [0, 13, 10, 0xFF]
            try fixture.write("binary.bin", bytes: binary)
            try fixture.write("crlf.yaml", "a: 1\r\nb: \"\u{00E9}\"\r\n")
            try fixture.write("empty.yaml", "")
            try fixture.commitAll("bytes")
            let repository = try GitRepository(path: fixture.path)
            let files = try repository.files(in: try repository.resolveCommit(nil), under: "") { _ in true }
            let contents = try files.map { file in try repository.withBlobContents(file.blobID) { Array($0) } }

            #expect(files.map(\.path) == ["binary.bin", "crlf.yaml", "empty.yaml"])
            #expect(contents == [binary, Array("a: 1\r\nb: \"\u{00E9}\"\r\n".utf8), []])
            #expect(files.map(\.size) == contents.map(\.count))
        }
    }

    @Test func returnsWhatTheBodyReturnsAndRethrowsWhatItThrows() throws {
        struct BodyFailed: Error {}
        try TestRepository.with { fixture in
            try fixture.write("a.yaml", "a: 1\n")
            try fixture.commitAll("first")
            let repository = try GitRepository(path: fixture.path)
            let id = try #require(ObjectID(hex: try fixture.git("rev-parse", "HEAD:a.yaml")))

            #expect(try repository.withBlobContents(id) { $0.count } == 5)
            #expect(throws: BodyFailed.self) { try repository.withBlobContents(id) { _ in throw BodyFailed() } }
        }
    }

    @Test func anUnknownBlobIsObjectNotFound() throws {
        try TestRepository.with { fixture in
            try fixture.commitAll("empty")
            let repository = try GitRepository(path: fixture.path)
            let missing = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
            let error = try #require(throws: GitError.self) { try repository.withBlobContents(missing) { _ in () } }
            #expect(error.reason == .objectNotFound)
            #expect(error.description == "no such object \(missing) in \(fixture.path)")
        }
    }
}
