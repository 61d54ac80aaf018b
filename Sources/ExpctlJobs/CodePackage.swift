import ExpctlModel
public import Foundation
import ZIPFoundation

/// Where a job's code comes from: the blobs of the commit it was planned at (the repository
/// expctl reads desired state from).
public protocol CodeSource: AnyObject {
    /// The contents of the blob whose id (hex) is `id`.
    func contents(ofBlob id: String) throws -> [UInt8]
}

/// A training's code at its commit: the files its `code` names, by repository path, with their
/// blob ids. Run as the job's working directory (files at their repository paths), so exactly
/// the merged code runs, wherever the job runs.
public struct CodePackage: Sendable, Hashable {
    /// Path → blob id (hex), as the job's inputs record them.
    public var files: [String: String]

    public init(files: [String: String]) { self.files = files }

    /// SHA-256 of the sorted `path NUL blob` lines: the same files give the same name, so a
    /// cluster that caches packages by name uploads each package once.
    public var digest: String {
        ContentHash.hex(files.keys.sorted().map { "\($0)\u{0}\(files[$0] ?? "")\n" }.joined())
    }

    /// Writes the files under `folder`, at their repository paths.
    public func materialize(into folder: URL, from source: any CodeSource) throws {
        for path in files.keys.sorted() {
            let target = try Self.checkedURL(path, in: folder)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try source.contents(ofBlob: files[path] ?? "")).write(to: target)
        }
    }

    /// The files as a zip archive (deflated, at their repository paths, with a fixed date so
    /// that the same files give the same bytes).
    public func zip(from source: any CodeSource) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for path in files.keys.sorted() {
            _ = try Self.checkedURL(path, in: URL(fileURLWithPath: "/"))
            let contents = Data(try source.contents(ofBlob: files[path] ?? ""))
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(contents.count), modificationDate: Self.fixedDate,
                permissions: 0o644, compressionMethod: .deflate
            ) { position, size in
                contents.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw JobFailure.failed("the code package could not be written") }
        return Array(data)
    }

    /// 1980-01-01, the earliest date a zip entry holds.
    private static let fixedDate = Date(timeIntervalSince1970: 315_532_800)

    /// A path recorded in a job's inputs is input: one that would leave the package is refused.
    private static func checkedURL(_ path: String, in folder: URL) throws -> URL {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." }) else {
            throw JobFailure.failed("the job's code names '\(path)', which is not a path inside the repository")
        }
        return folder.appendingPathComponent(path)
    }
}
