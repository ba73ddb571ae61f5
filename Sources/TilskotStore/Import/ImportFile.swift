import CSV
import Foundation

/// An import file read as a stream of rows with yaslab/CSV.swift: one row in memory at a time,
/// whatever the size of the file. Knows the line each row starts on (for error messages) and about
/// how far into the file it is (for progress).
final class ImportFile {
    let name: String
    let delimiter: UnicodeScalar
    let size: Int64
    private let reader: CSVReader
    /// The line the next row starts on: the header is line 1.
    private(set) var nextLine = 2
    /// Bytes read so far, counted from the rows' own text (exact for unquoted fields).
    private(set) var bytesRead: Int64 = 0
    /// The upload this file arrives as (`tilskot serve`), or nil for a file on disk.
    private let upload: ImportUpload?

    /// Opens `url`; the delimiter is `delimiter`, else `;` when the header line has semicolons and no
    /// commas (Norwegian spreadsheets), else `,`.
    init(url: URL, delimiter: UnicodeScalar?) throws(TilskotError) {
        self.name = url.lastPathComponent
        self.upload = nil
        let path = url.path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .refused("cannot read \(path): there is no such file, or it cannot be read; give the path of a CSV file")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        if let line = ImportFile.firstLineNotUTF8(path) {
            throw ImportFile.notUTF8(url.lastPathComponent, line: line)
        }
        let chosen = delimiter ?? ImportFile.guessDelimiter(path)
        self.delimiter = chosen
        guard let stream = InputStream(fileAtPath: path) else {
            throw .refused("cannot open \(path) for reading")
        }
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: false, trimFields: false, delimiter: chosen)
        } catch {
            throw .refused("cannot read \(path) as CSV: \(error)")
        }
    }

    /// Reads `upload` as it arrives; the delimiter is `delimiter`, else guessed from its first line
    /// as for a file. Its UTF-8 is checked line by line as it streams (ImportUpload).
    init(upload: ImportUpload, delimiter: UnicodeScalar?) throws(TilskotError) {
        self.name = upload.name
        self.upload = upload
        self.size = 0
        let chosen = delimiter ?? ImportFile.guessDelimiter(line: upload.head())
        self.delimiter = chosen
        do {
            reader = try CSVReader(stream: upload, hasHeaderRow: false, trimFields: false, delimiter: chosen)
        } catch {
            try ImportFile.checkUpload(upload)
            throw .refused("cannot read \(upload.name) as CSV: \(error)")
        }
    }

    static func notUTF8(_ name: String, line: Int) -> TilskotError {
        .refused("\(name) is not UTF-8 text (line \(line) is not; a file saved as Latin-1 or Windows-1252 has æ, ø and å in another encoding); save it as UTF-8 CSV (in Excel: \"CSV UTF-8\") and import it again")
    }

    /// An upload that stopped short: a line that is not UTF-8 (the file's sentence), or the client
    /// went away before its end.
    private static func checkUpload(_ upload: ImportUpload) throws(TilskotError) {
        if let line = upload.notUTF8Line { throw notUTF8(upload.name, line: line) }
        if let failure = upload.readFailure {
            throw .refused("\(upload.name) did not arrive whole (\(failure)); nothing was imported — send it again")
        }
    }

    /// The header row (the first line), or nil for an empty file.
    func header() throws(TilskotError) -> [String]? {
        guard let fields = reader.next() else {
            if let upload { try ImportFile.checkUpload(upload) }
            return nil
        }
        bytesRead += ImportFile.length(of: fields)
        return fields
    }

    /// The next data row that is not blank, with the line it starts on; nil at the end.
    func nextRow() throws(TilskotError) -> (line: Int, fields: [String])? {
        while let fields = reader.next() {
            let line = nextLine
            // A quoted field with line breaks in it spans several lines of the file.
            var breaks = 0
            for field in fields where field.utf8.contains(0x0A) {
                breaks += field.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            }
            nextLine += 1 + breaks
            bytesRead += ImportFile.length(of: fields)
            if fields.count == 1 && fields[0].allSatisfy(\.isWhitespace) { continue }
            return (line, fields)
        }
        if let upload { try ImportFile.checkUpload(upload) }
        // On Linux the stream reports bytes available at its end, so CSV.swift's last read fails
        // with cannotReadFile after the last row: that is the end of the file, not an error.
        if let error = reader.error, !ImportFile.isEndOfFile(error) {
            throw .refused("\(name) could not be read to the end (after line \(nextLine - 1)): \(ImportFile.describe(error)); save it as UTF-8 CSV (in Excel: \"CSV UTF-8\")")
        }
        return nil
    }

    private static func isEndOfFile(_ error: any Error) -> Bool {
        if case CSVError.cannotReadFile = error { return true }
        return false
    }

    /// The first line of the file that is not valid UTF-8, or nil when all of it is. CSV.swift does
    /// not catch every invalid sequence (a Latin-1 "å" before a letter reads as one garbled
    /// character), so the file is checked first, a megabyte at a time, in whole lines — about a
    /// tenth of a second for a million rows, and memory stays flat.
    static func firstLineNotUTF8(_ path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var carried: [UInt8] = []
        var linesBefore = 0
        while true {
            let chunk = (try? handle.read(upToCount: 1 << 20)) ?? Data()
            let atEnd = chunk.isEmpty
            carried.append(contentsOf: chunk)
            // Whole lines only, so that no character is cut in two; the rest waits for the next chunk.
            let end = atEnd ? carried.count : (carried.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
            if end > 0 {
                let lines = carried[..<end]
                if String(validating: lines, as: UTF8.self) == nil {
                    var line = linesBefore + 1
                    for text in lines.split(separator: 0x0A, omittingEmptySubsequences: false) {
                        if String(validating: text, as: UTF8.self) == nil { return line }
                        line += 1
                    }
                    return linesBefore + 1
                }
                linesBefore += lines.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                carried.removeFirst(end)
            }
            if atEnd { return nil }
        }
    }

    /// CSV.swift's errors in words (its cases have no descriptions of their own).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? CSVError else { return "\(error)" }
        switch error {
        case .unicodeDecoding, .stringEncodingMismatch, .stringEndianMismatch:
            return "the text is not valid UTF-8 (a file saved as Latin-1 or Windows-1252 has æ, ø and å in another encoding)"
        case .streamErrorHasOccurred(let underlying):
            return "reading the file failed (\(underlying.localizedDescription))"
        case .cannotOpenFile, .cannotReadFile, .cannotReadHeaderRow, .cannotWriteStream:
            return "the file cannot be read"
        }
    }

    private static func length(of fields: [String]) -> Int64 {
        Int64(fields.reduce(fields.count) { $0 + $1.utf8.count })
    }

    private static func guessDelimiter(_ path: String) -> UnicodeScalar {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "," }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
        return guessDelimiter(line: head.prefix { $0 != 0x0A })
    }

    private static func guessDelimiter(line firstLine: some Collection<UInt8>) -> UnicodeScalar {
        let semicolons = firstLine.filter { $0 == 0x3B }.count
        let commas = firstLine.filter { $0 == 0x2C }.count
        return semicolons > 0 && commas == 0 ? ";" : ","
    }
}
