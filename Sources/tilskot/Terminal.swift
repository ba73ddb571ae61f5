import Foundation
import TilskotStore

/// Where output goes: data on stdout, one sentence per refusal on stderr.
enum Terminal {
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func fail(_ error: TilskotError) -> Never {
        switch error {
        case .refused(let text):
            writeError(text)
            exit(1)
        case .usage(let text):
            writeError(text)
            exit(2)
        case .unreachable(let text):
            writeError(text)
            exit(3)
        }
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
