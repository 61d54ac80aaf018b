import CCurl
import CCurlShim
import ExpctlHTTP
import Foundation
import Testing

/// Collects the bytes libcurl hands to the write callback.
private final class Sink {
    var bytes: [UInt8] = []
}

@Suite("The libcurl shim")
struct CurlShimTests {
    @Test func versionComesFromTheLinkedLibrary() {
        let version = CurlLibrary.version
        #expect(version.split(separator: ".").count == 3)
        #expect(version.first?.isNumber == true)
    }

    /// A real transfer through the typed setopt/getinfo wrappers, on a file:// URL.
    @Test func typedWrappersDriveARealTransfer() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-curl-\(UUID().uuidString).txt")
        try Data("hello from curl\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        let sink = Sink()
        #expect(expctl_curl_setopt_string(handle, CURLOPT_URL, "file://\(file.path)") == CURLE_OK)
        #expect(expctl_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK)
        #expect(expctl_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque()) == CURLE_OK)
        let callback: expctl_curl_data_callback = { data, size, count, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            data!.withMemoryRebound(to: UInt8.self, capacity: length) {
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
            return length
        }
        #expect(expctl_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, callback) == CURLE_OK)
        #expect(curl_easy_perform(handle) == CURLE_OK)
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "hello from curl\n")

        var downloaded = 0.0
        #expect(expctl_curl_getinfo_double(handle, CURLINFO_SIZE_DOWNLOAD, &downloaded) == CURLE_OK)
        #expect(downloaded == 16)
        var effectiveURL: UnsafePointer<CChar>?
        #expect(expctl_curl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effectiveURL) == CURLE_OK)
        #expect(effectiveURL.map { String(cString: $0) } == "file://\(file.path)")
        var code = -1
        #expect(expctl_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
        #expect(code == 0)
    }

    @Test func setoptReportsAnUnknownOption() throws {
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(expctl_curl_setopt_long(handle, CURLoption(rawValue: 99_999), 1) != CURLE_OK)
    }
}
