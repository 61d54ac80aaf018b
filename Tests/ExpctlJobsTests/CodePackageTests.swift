import Foundation
import Testing

@testable import ExpctlJobs

private final class Blobs: CodeSource {
    func contents(ofBlob id: String) throws -> [UInt8] { Array("contents of \(id)\n".utf8) }
}

/// Python's zipfile, which Ray unpacks packages with: the names and contents it reads.
private func readWithPython(_ zip: [UInt8]) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("package-\(UUID().uuidString).zip")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data(zip).write(to: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "python3", "-c",
        "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n"
            + "print(';'.join(n + '=' + z.read(n).decode() .strip() for n in z.namelist()))",
        file.path,
    ]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite("Code packages")
struct CodePackageTests {
    private let package = CodePackage(files: [
        "training/train.py": "b1", "training/lib/util.py": "b2", "setup.cfg": "b3",
    ])

    @Test func theZipHoldsTheFilesAtTheirPathsAndTheSameFilesGiveTheSameBytes() throws {
        let zip = try package.zip(from: Blobs())
        #expect(
            try readWithPython(zip)
                == "setup.cfg=contents of b3;training/lib/util.py=contents of b2;training/train.py=contents of b1")
        #expect(try package.zip(from: Blobs()) == zip)
    }

    @Test func theNameFollowsTheFilesAndTheirContentOnly() {
        #expect(CodePackage(files: package.files).digest == package.digest)
        var changed = package
        changed.files["training/train.py"] = "b9"
        #expect(changed.digest != package.digest)
        var renamed = package
        renamed.files["setup.cfg"] = nil
        renamed.files["setup2.cfg"] = "b3"
        #expect(renamed.digest != package.digest)
    }

    @Test func materializedFilesStayInsideTheFolderAndPathsLeavingItAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("code-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try package.materialize(into: folder, from: Blobs())
        let text = try String(contentsOf: folder.appendingPathComponent("training/lib/util.py"), encoding: .utf8)
        #expect(text == "contents of b2\n")
        for path in ["../escape.py", "/etc/passwd", "a//b", "./a"] {
            #expect(throws: JobFailure.self) {
                try CodePackage(files: [path: "b1"]).materialize(into: folder, from: Blobs())
            }
            #expect(throws: JobFailure.self) { try CodePackage(files: [path: "b1"]).zip(from: Blobs()) }
        }
    }
}
