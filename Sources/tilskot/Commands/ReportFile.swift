import Foundation
import TilskotCore
import TilskotStore

/// Writing a report or an export to `--out FILE`: all or nothing, and a sentence when the folder is
/// missing.
enum ReportFile {
    static func write(_ text: String, to path: String) throws(TilskotError) {
        try write(Data(text.utf8), to: path)
    }

    /// Bytes (an xlsx workbook), written whole or not at all.
    static func write(_ data: Data, to path: String) throws(TilskotError) {
        let url = try target(path)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .refused("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Text that comes a piece at a time (a streamed export): written into a hidden file beside
    /// `path` and moved over it only when `body` has finished, so a failure half-way leaves no
    /// file, or the old one untouched.
    static func stream<T>(to path: String,
                          _ body: (_ sink: (String) throws(TilskotError) -> Void) throws(TilskotError) -> T) throws(TilskotError) -> T {
        let url = try target(path)
        let partial = url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: partial) else {
            throw .refused("cannot write \(path): the folder \(url.deletingLastPathComponent().path) does not let us create a file")
        }
        var finished = false
        defer {
            try? handle.close()
            if !finished { try? FileManager.default.removeItem(at: partial) }
        }
        let result = try body { (text: String) throws(TilskotError) in
            do {
                try handle.write(contentsOf: Data(text.utf8))
            } catch {
                throw .refused("cannot write \(path): \(error.localizedDescription)")
            }
        }
        do {
            try handle.synchronize()
        } catch {
            throw .refused("cannot write \(path): \(error.localizedDescription)")
        }
        // rename(2) replaces the old file in one step (Foundation's replaceItemAt on Linux removed
        // it first, and failed).
        guard rename(partial.path, url.path) == 0 else {
            throw .refused("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        finished = true
        return result
    }

    /// Standard output, a piece at a time (no buffering of the whole text).
    static func standardOutput(_ text: String) throws(TilskotError) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        } catch {
            throw .refused("cannot write to standard output: \(error.localizedDescription)")
        }
    }

    private static func target(_ path: String) throws(TilskotError) -> URL {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .refused("cannot write \(path): the folder \(folder) does not exist; create it first (mkdir -p \(folder))")
        }
        return url
    }
}
