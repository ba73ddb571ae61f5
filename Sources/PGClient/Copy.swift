import CLibPQ

extension Connection {
    /// Streams rows into `COPY … FROM STDIN` (text format). `body` writes rows through the writer;
    /// rows travel in 256 KiB chunks, so memory stays flat however many rows there are. Returns the
    /// number of rows the server stored. If `body` throws, the COPY is aborted and nothing is stored.
    @discardableResult
    public func copy(_ sql: String, _ body: (inout CopyWriter) throws -> Void) throws -> Int {
        let handle = try liveHandle()
        _ = try QueryResult(consuming: PQexec(handle, sql), connection: handle)
        var writer = CopyWriter(handle: handle)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            PQputCopyEnd(handle, "aborted by client")
            drainResults(handle)
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw PGError.from(result: nil, connection: handle) }
        var stored = 0
        var failure: PGError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                stored = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = PGError.from(result: result, connection: handle)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return stored
    }

    private func drainResults(_ handle: OpaquePointer) {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}

/// Writes rows in COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
public struct CopyWriter {
    let handle: OpaquePointer
    private var buffer: [UInt8] = []
    private static let chunkSize = 256 * 1024

    init(handle: OpaquePointer) {
        self.handle = handle
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    public mutating func write(row: [String?]) throws(PGError) {
        for (index, value) in row.enumerated() {
            if index > 0 { buffer.append(0x09) }
            guard let value else {
                buffer.append(0x5C); buffer.append(0x4E) // \N
                continue
            }
            for byte in value.utf8 {
                switch byte {
                case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
                case 0x09: buffer.append(0x5C); buffer.append(0x74)
                case 0x0A: buffer.append(0x5C); buffer.append(0x6E)
                case 0x0D: buffer.append(0x5C); buffer.append(0x72)
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(0x0A)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    mutating func flush() throws(PGError) {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else { throw PGError.from(result: nil, connection: handle) }
        buffer.removeAll(keepingCapacity: true)
    }
}
