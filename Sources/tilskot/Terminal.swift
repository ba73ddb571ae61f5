import Foundation
import TilskotStore

/// Where output goes: data on stdout, one sentence per refusal on stderr.
enum Terminal {
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes the error's one sentence and exits with its status (docs/exit-status.md): 1 refused,
    /// 2 usage, 3 unreachable, 4 authentication, 5 server resources, 6 schema mismatch.
    static func fail(_ error: TilskotError) -> Never {
        writeError(error.description)
        exit(error.exitStatus)
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
