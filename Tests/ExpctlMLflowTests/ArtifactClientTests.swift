import ExpctlMLflow
import Testing

@Suite("Artifacts through a real MLflow server's proxy")
struct ArtifactClientTests {
    private func freshRun(_ mlflow: MLflowClient) throws -> MLflowRun {
        let experiment = try freshExperiment(mlflow, "artifacts")
        let id = try mlflow.createRun(experimentID: experiment.id, name: "a", startTime: 1_700_000_000_000)
        return try #require(try mlflow.run(id: id))
    }

    @Test func uploadListDownload() throws {
        let mlflow = try liveMLflow()
        let root = try freshRun(mlflow).artifactURI
        let bytes: [UInt8] = Array(0...255) + Array("artifact_path: model\n".utf8)
        try mlflow.uploadArtifact(bytes, to: "model/MLmodel", under: root)
        try mlflow.uploadArtifact([1, 2, 3], to: "model/sub/weights.bin", under: root)
        try mlflow.uploadArtifact([], to: "model/empty.txt", under: root)
        #expect(try mlflow.downloadArtifact("model/MLmodel", under: root) == bytes)
        #expect(try mlflow.downloadArtifact("model/sub/weights.bin", under: root) == [1, 2, 3])
        #expect(try mlflow.downloadArtifact("model/empty.txt", under: root) == [])
        let listed = try mlflow.listArtifacts(in: "model", under: root).sorted { $0.path < $1.path }
        #expect(
            listed == [
                MLflowArtifactFile(path: "model/MLmodel", isDirectory: false, size: Int64(bytes.count)),
                MLflowArtifactFile(path: "model/empty.txt", isDirectory: false, size: 0),
                MLflowArtifactFile(path: "model/sub", isDirectory: true, size: nil),
            ])
        #expect(try mlflow.listArtifacts(under: root) == [MLflowArtifactFile(path: "model", isDirectory: true, size: nil)])
        // Overwrite.
        try mlflow.uploadArtifact([9], to: "model/sub/weights.bin", under: root)
        #expect(try mlflow.downloadArtifact("model/sub/weights.bin", under: root) == [9])
    }

    @Test func pathsArePercentEncodedPerSegment() throws {
        let mlflow = try liveMLflow()
        let root = try freshRun(mlflow).artifactURI
        let path = "dir one/é ?%&=+'\".txt"
        try mlflow.uploadArtifact(Array("x".utf8), to: path, under: root)
        #expect(try mlflow.downloadArtifact(path, under: root) == Array("x".utf8))
        #expect(try mlflow.listArtifacts(in: "dir one", under: root).map(\.path) == [path])
    }

    @Test func missingFilesDirectoriesAndForeignRoots() throws {
        let mlflow = try liveMLflow()
        let root = try freshRun(mlflow).artifactURI
        try mlflow.uploadArtifact([1], to: "model/MLmodel", under: root)
        let missing = try #require(throws: MLflowError.self) { try mlflow.downloadArtifact("model/missing.txt", under: root) }
        #expect(missing.isNotFound)
        let directory = try #require(throws: MLflowError.self) { try mlflow.downloadArtifact("model", under: root) }
        #expect(directory.kind == .unexpectedAnswer)
        #expect(directory.status == 400)
        #expect(directory.message.contains("refers to a directory"))
        #expect(try mlflow.listArtifacts(in: "nothing/here", under: root).isEmpty)
        #expect(try mlflow.listArtifacts(in: "model/MLmodel", under: root).isEmpty)
        // libcurl would resolve the dots and write outside the run: refused before sending.
        for path in ["../../x.txt", "model/./MLmodel"] {
            let escape = try #require(throws: MLflowError.self) { try mlflow.uploadArtifact([1], to: path, under: root) }
            #expect(escape.kind == .refused)
            #expect(escape.status == nil)
        }
        #expect(throws: MLflowError.self) { try mlflow.listArtifacts(in: "..", under: root) }
        // What the server itself refuses comes back as its error.
        let fragment = try #require(throws: MLflowError.self) { try mlflow.uploadArtifact([1], to: "a#b.txt", under: root) }
        #expect(fragment.kind == .api(code: "INVALID_PARAMETER_VALUE"))
        #expect(fragment.status == 400)
        let foreign = try #require(throws: MLflowError.self) { try mlflow.listArtifacts(under: "s3://bucket/1/r/artifacts") }
        #expect(foreign.status == nil)
        #expect(foreign.message.contains("not served by the tracking server's artifact proxy"))
    }

    @Test func aRootWithAnAuthorityNamesTheSameFiles() throws {
        let mlflow = try liveMLflow()
        let root = try freshRun(mlflow).artifactURI
        try mlflow.uploadArtifact([7], to: "f.bin", under: root)
        let withHost = root.replacingOccurrences(of: "mlflow-artifacts:/", with: "mlflow-artifacts://localhost:5000/")
        #expect(try mlflow.downloadArtifact("f.bin", under: withHost) == [7])
    }
}
