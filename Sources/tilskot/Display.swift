import ArgumentParser
import Foundation
import TilskotReports
import TilskotStore

/// How data reaches the reader: `Presentation.current` for every table, and the xlsx workbook's
/// way out (a redirected stdout, or the report's `--out FILE`).
enum Display {
    /// The sentence for a workbook asked of a terminal.
    static let xlsxToTerminal = "--format xlsx refused: a workbook is a file, not text for a terminal; give --out FILE.xlsx (reports) or redirect: > FILE.xlsx"

    static func prepare(_ global: GlobalOptions) throws {
        let given = global.language ?? ProcessInfo.processInfo.environment["TILSKOT_LANG"].flatMap { $0.isEmpty ? nil : $0 }
        var presentation = Presentation()
        if let given {
            guard let language = Presentation.language(given) else {
                let source = global.language != nil ? "--lang" : "TILSKOT_LANG"
                throw ValidationError("\(source) \(given) is not known; give nn (Nynorsk), nb (Bokmål) or en (English)")
            }
            presentation.language = language
        }
        if global.wide { presentation.width = nil }
        if global.format == .xlsx {
            if Terminal.stdoutIsTerminal && !outGiven {
                Terminal.fail(.refused(xlsxToTerminal))
            }
            presentation.binaryOutput = { data in
                do {
                    try FileHandle.standardOutput.write(contentsOf: data)
                } catch {
                    Terminal.fail(.refused("cannot write the workbook to standard output: \(error.localizedDescription)"))
                }
            }
        }
        Presentation.current = presentation
    }

    /// Whether the command line names an --out file (the report commands write a workbook there).
    static var outGiven: Bool {
        CommandLine.arguments.contains { $0 == "--out" || $0.hasPrefix("--out=") }
    }
}
