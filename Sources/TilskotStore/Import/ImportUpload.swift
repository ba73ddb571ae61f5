import Foundation

/// An import file that arrives as it is sent (`POST /applications/import` of `tilskot serve`):
/// an InputStream over a pull source of byte chunks, so the import's CSV reader takes rows from it
/// as from a file and holds one chunk at a time, whatever the size of the upload.
///
/// The file import checks that the whole file is UTF-8 before it reads a row
/// (ImportFile.firstLineNotUTF8); an upload cannot be read twice, so it is checked here, in whole
/// lines, before its bytes reach the reader: a line that is not UTF-8 ends the stream, and the
/// import refuses with the same sentence (all or nothing: nothing was written).
public final class ImportUpload: InputStream {
    /// The name the sentences give the file ("applications.csv: nothing imported: line 2: …").
    public let name: String
    /// The next chunk of the upload, blocking until it arrives; nil at its end.
    private let source: () throws -> [UInt8]?

    /// Checked bytes not yet handed to the reader (from `start` on).
    private var pending: [UInt8] = []
    private var start = 0
    /// The bytes after the last line break seen: checked once their line is whole.
    private var carried: [UInt8] = []
    private var linesBefore = 0
    private var ended = false
    private var status: Stream.Status = .notOpen
    private var failure: (any Error)?

    /// The first line that is not UTF-8, once one is met.
    public private(set) var notUTF8Line: Int?
    /// Why the upload could not be read to its end (the client went away), once that happened.
    public var readFailure: (any Error)? { notUTF8Line == nil ? failure : nil }

    public init(name: String, source: @escaping () throws -> [UInt8]?) {
        self.name = name
        self.source = source
        super.init(data: Data())
    }

    struct NotUTF8: Error { let line: Int }

    /// Pulls one chunk and moves its whole, checked lines to `pending`. False at the end or on failure.
    private func pull() -> Bool {
        guard !ended, failure == nil else { return false }
        let chunk: [UInt8]?
        do {
            chunk = try source()
        } catch {
            failure = error
            return false
        }
        if start > 0 && start >= pending.count {
            pending.removeAll(keepingCapacity: true)
            start = 0
        }
        guard let chunk else {
            ended = true
            if !carried.isEmpty { accept(carried[...]); carried = [] }
            return failure == nil
        }
        carried.append(contentsOf: chunk)
        // Whole lines only, so that no character is cut in two; the rest waits for the next chunk.
        if let last = carried.lastIndex(of: 0x0A) {
            accept(carried[...last])
            carried.removeFirst(last + 1)
        }
        return failure == nil
    }

    private func accept(_ lines: ArraySlice<UInt8>) {
        if String(validating: lines, as: UTF8.self) == nil {
            var line = linesBefore + 1
            for text in lines.split(separator: 0x0A, omittingEmptySubsequences: false) {
                if String(validating: text, as: UTF8.self) == nil { break }
                line += 1
            }
            notUTF8Line = line
            failure = NotUTF8(line: line)
            return
        }
        linesBefore += lines.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        pending.append(contentsOf: lines)
    }

    /// The start of the upload up to its first line break (at most 64 KiB), for the delimiter guess.
    func head() -> ArraySlice<UInt8> {
        while !pending[start...].contains(0x0A) && pending.count - start < 64 * 1024 && pull() {}
        let rest = pending[start...]
        return rest.prefix { $0 != 0x0A }
    }

    // MARK: - InputStream

    public override func open() { status = .open }
    public override func close() { status = .closed }
    public override var streamStatus: Stream.Status { status }
    public override var streamError: (any Error)? { failure }

    public override var hasBytesAvailable: Bool {
        while start >= pending.count && pull() {}
        return start < pending.count
    }

    public override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength: Int) -> Int {
        while start >= pending.count && pull() {}
        if start >= pending.count { return failure == nil ? 0 : -1 }
        let count = min(maxLength, pending.count - start)
        pending.withUnsafeBufferPointer { bytes in
            buffer.update(from: bytes.baseAddress! + start, count: count)
        }
        start += count
        return count
    }

    public override func getBuffer(_ buffer: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, length len: UnsafeMutablePointer<Int>) -> Bool {
        false
    }
}
