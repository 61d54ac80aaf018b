// Collecting a response from libcurl's write and header callbacks.
import CCurlShim

/// Receives one attempt's response as libcurl hands it over: header lines, then body chunks.
///
/// libcurl passes every header line of every response it reads, so an interim response
/// (`100 Continue`) or a proxy's CONNECT reply comes first; a status line starts a new header
/// block and only the last block is kept.
final class ResponseSink {
    private(set) var body: [UInt8] = []
    private(set) var headers: [String: String] = [:]
    /// The lower-cased name of the last field, for an obsolete folded continuation line.
    private var lastName: String?

    func receiveBody(_ chunk: UnsafeBufferPointer<UInt8>) {
        body.append(contentsOf: chunk)
    }

    /// One header line including its CRLF, as libcurl's header callback gets it.
    func receiveHeaderLine(_ line: UnsafeBufferPointer<UInt8>) {
        var end = line.count
        while end > 0, line[end - 1] == 10 || line[end - 1] == 13 { end -= 1 }
        let bytes = UnsafeBufferPointer(rebasing: line[0..<end])
        if bytes.starts(with: "HTTP/".utf8) {
            headers = [:]
            lastName = nil
            return
        }
        guard let first = bytes.first else { return }  // the blank line ending a block
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            if let lastName, let value = headers[lastName] {
                headers[lastName] = value + " " + String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
            }
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: bytes[0..<colon], as: UTF8.self).lowercased()
        let value = String(decoding: bytes[(colon + 1)...], as: UTF8.self).trimmingWhitespace()
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
            if name == "content-length", let length = Int(value), length > 0 {
                // One allocation for a large body instead of repeated growth; capped so that a
                // lying header cannot make us reserve gigabytes.
                body.reserveCapacity(min(length, 64 << 20))
            }
        }
        lastName = name
    }
}

// MARK: - libcurl callbacks

/// CURLOPT_WRITEFUNCTION: `context` is an unretained `ResponseSink` that outlives the transfer.
/// Returning fewer bytes than given would abort it.
let writeBodyCallback: expctl_curl_data_callback = { data, size, count, context in
    let length = size * count
    guard length > 0, let data, let context else { return length }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        sink.receiveBody(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

/// CURLOPT_HEADERFUNCTION: called once per header line, with the same context.
let writeHeaderCallback: expctl_curl_data_callback = { data, size, count, context in
    let length = size * count
    guard length > 0, let data, let context else { return length }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        sink.receiveHeaderLine(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}
