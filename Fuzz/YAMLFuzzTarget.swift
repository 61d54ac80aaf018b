// The libFuzzer entry point over the YAML reader and the desired-state decoder that reads its
// tree. Built and run by scripts/fuzz-yaml, never by `swift build` (it is not a package target).
// Any input must give a tree or a YAMLError whose mark is inside the file, and a decoded fragment
// whose diagnostics point inside the file, without a crash, a hang or a sanitizer report.
import ExpctlDesiredState
import ExpctlModel
import ExpctlYAML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let lineCount = countLines(bytes)
    do {
        _ = try YAML.parse(bytes)
    } catch {
        check(error.mark.line, error.mark.column, lineCount: lineCount, size: size, "\(error)")
    }
    let fragment = FileDecoder.decode(path: "fuzz.yaml", bytes: bytes)
    for diagnostic in fragment.diagnostics {
        let location = diagnostic.location
        check(location.line, location.column, lineCount: lineCount, size: size, diagnostic.message)
    }
    return 0
}

/// Lines as the reader counts them: LF, CRLF and a lone CR each end one.
private func countLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var lines = 1
    for index in bytes.indices
    where bytes[index] == 0x0A
        || bytes[index] == 0x0D
            && (index + 1 == bytes.count || bytes[index + 1] != 0x0A)
    {
        lines += 1
    }
    return lines
}

private func check(_ line: Int, _ column: Int, lineCount: Int, size: Int, _ what: String) {
    guard (1...lineCount).contains(line) && (1...size + 1).contains(column) else {
        fatalError("position \(line):\(column) is outside the file (\(lineCount) lines, \(size) bytes): \(what)")
    }
}
