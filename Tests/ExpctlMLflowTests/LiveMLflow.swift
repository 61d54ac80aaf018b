import ExpctlHTTP
import ExpctlMLflow
import Foundation

/// A client of the MLflow server scripts/test starts (EXPCTL_TEST_MLFLOW_URI), for the suites
/// of the tracking, artifact and registry-lookup calls. Each test names what it creates with
/// `uniqueTestName`, so the tests can share one server.
func liveMLflow(transport: CurlTransport = CurlTransport()) throws -> MLflowClient {
    guard let uri = ProcessInfo.processInfo.environment["EXPCTL_TEST_MLFLOW_URI"], !uri.isEmpty else {
        throw LiveMLflowMissing()
    }
    return MLflowClient(settings: MLflowSettings(trackingURI: uri), transport: transport)
}

struct LiveMLflowMissing: Error, CustomStringConvertible {
    var description: String {
        "EXPCTL_TEST_MLFLOW_URI is not set: run the tests with scripts/test, which starts a throwaway MLflow server (scripts/mlflow start DIR)"
    }
}

func uniqueTestName(_ base: String) -> String { "\(base)_\(UInt32.random(in: .min ... .max))" }

/// A fresh experiment for one test.
func freshExperiment(_ mlflow: MLflowClient, _ base: String) throws -> MLflowExperiment {
    try mlflow.ensureExperiment(name: uniqueTestName(base))
}
