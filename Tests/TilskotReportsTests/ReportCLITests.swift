import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

@Suite("report, export and sample commands")
struct ReportCLITests {
    @Test("report summary --format json prints a list with the contract's keys per round")
    func summaryContract() throws {
        let db = try Sample.database()
        let result = try CLIRunner.run(["report", "summary", "--year", "2021", "--format", "json"], database: db)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 4)
        let contract = ["scheme", "year", "frame_ore", "applications", "granted", "partially_granted", "rejected",
                        "dismissed", "withdrawn", "pending", "requested_ore", "granted_ore"]
        for row in rows { #expect(Set(contract).isSubset(of: Set(row.keys)), "\(row.keys.sorted())") }
        let js = try #require(rows.first { $0["scheme"] as? String == "JS" })
        #expect((js["frame_ore"] as? NSNumber)?.int64Value == 13_530_000_000)
        #expect((js["applications"] as? NSNumber)?.intValue == 41)
        #expect((js["granted"] as? NSNumber)?.intValue == 41)
        #expect((js["year"] as? NSNumber)?.intValue == 2021)
        // The basis goes to stderr for machine formats, so stdout stays parseable.
        #expect(result.stderr.hasPrefix("# Basis: data as of "))
    }

    @Test("every report works in table, json, csv and markdown, with its basis at the foot")
    func everyFormat() throws {
        let db = try Sample.database()
        let reports: [[String]] = [
            ["report", "summary", "--year", "2021"],
            ["report", "geography", "--year", "2021", "--division", "2024"],
            ["report", "geography", "--year", "2021", "--by", "municipality"],
            ["report", "applicants", "--year", "2021"],
            ["report", "trend", "--scheme", "JS", "--from", "2020", "--to", "2022"],
            ["report", "caseload", "--year", "2022"],
            ["report", "caseload"],
        ]
        for report in reports {
            for format in ["table", "json", "csv", "markdown"] {
                let result = try CLIRunner.run(report + ["--format", format], database: db)
                #expect(result.exitCode == 0, "\(report) \(format): \(result.stderr)")
                switch format {
                case "json": #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) is [Any], "\(report)")
                case "csv": #expect(result.stdout.contains("\r\n"))
                case "markdown": #expect(result.stdout.contains("\n_Basis: data as of "), "\(report)")
                default: #expect(result.stdout.contains("\nBasis: data as of "), "\(report)")
                }
            }
        }
        let geography = try CLIRunner.run(["report", "geography", "--year", "2021", "--division", "2024"], database: db)
        #expect(geography.stdout.contains("county division 2024"))
        #expect(geography.stdout.contains("\n33      Buskerud ") && !geography.stdout.contains("\n30 "))
        let trend = try CLIRunner.run(["report", "trend", "--scheme", "JS", "--from", "2020", "--to", "2022"], database: db)
        // Decimal commas in Nynorsk (the default) and Bokmål; a full stop in English.
        #expect(trend.stdout.contains("+24,2 %"), "\(trend.stdout)")
        let english = try CLIRunner.run(["report", "trend", "--scheme", "JS", "--from", "2020", "--to", "2022", "--lang", "en"], database: db)
        #expect(english.stdout.contains("+24.2 %"), "\(english.stdout)")
    }

    @Test("report equality writes Markdown and HTML in nn, nb and en; export 360giving writes JSON and CSV")
    func documents() throws {
        let db = try Sample.database()
        let folder = FileManager.default.temporaryDirectory.appending(path: "tilskot-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appending(path: "likestilling-2021.html").path
        let written = try CLIRunner.run(["report", "equality", "--year", "2021", "--format", "html", "--out", html], database: db)
        #expect(written.exitCode == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("41 søknader, og alle vart innvilga"))
        let nb = try CLIRunner.run(["report", "equality", "--year", "2021", "--lang", "nb"], database: db)
        #expect(nb.stdout.contains("41 søknader, og alle ble innvilget"))
        let en = try CLIRunner.run(["report", "equality", "--year", "2021", "--lang", "en", "--format", "markdown"], database: db)
        #expect(en.stdout.contains("41 applications, and all were granted"))
        let json = try CLIRunner.run(["export", "360giving", "--year", "2021"], database: db)
        #expect(json.exitCode == 0)
        #expect(try validate360Giving(json.stdout).exitCode == 0)
        let csv = try CLIRunner.run(["export", "360giving", "--year", "2021", "--format", "csv"], database: db)
        #expect(csv.stdout.hasPrefix("Identifier,Title,Description,Currency,"))
        #expect(csv.stdout.components(separatedBy: "\r\n").count == 63)   // header, 61 grants, the empty end
        // --out: the same bytes as standard output; a refused export leaves the file there untouched
        // and no partial file beside it.
        let file = folder.appending(path: "360giving-2021.json").path
        try "an older file".write(toFile: file, atomically: true, encoding: .utf8)
        let exported = try CLIRunner.run(["export", "360giving", "--year", "2021", "--out", file], database: db)
        #expect(exported.exitCode == 0, "\(exported.stderr)")
        #expect(exported.stdout.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == json.stdout)
        let refused = try CLIRunner.run(["export", "360giving", "--year", "2019", "--out", file], database: db)
        #expect(refused.exitCode == 1)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == json.stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["360giving-2021.json", "likestilling-2021.html"])
    }

    @Test("bad input is refused with one sentence, exit 1 and nothing written")
    func badInput() throws {
        let db = try Sample.database()
        let folder = FileManager.default.temporaryDirectory.appending(path: "tilskot-none-\(UUID().uuidString)")
        let cases: [([String], String)] = [
            (["report", "summary", "--year", "1800"], "year 1800 is out of range; give --year with a year from 2000 to 2100, e.g. --year 2021"),
            (["report", "geography", "--year", "2021", "--by", "region"], "--by region is not known; give --by county or --by municipality"),
            (["report", "geography", "--year", "2021", "--division", "2019"], "county division \"2019\" is not known; expected 2020 (the 2020–2023 division) or 2024"),
            (["report", "trend", "--scheme", "NOPE", "--from", "2020", "--to", "2022"], "scheme NOPE does not exist; see `tilskot scheme list`"),
            (["report", "trend", "--scheme", "JS", "--from", "2022", "--to", "2020"], "the trend runs from 2022 to 2020, which is backwards; give --from before --to, e.g. --from 2020 --to 2022"),
            (["report", "equality", "--year", "2021", "--lang", "de"], "--lang de is not known; give nn (Nynorsk), nb (Bokmål) or en (English)"),
            (["report", "equality", "--year", "2021", "--format", "pdf"], "--format pdf is not a document format for this section; give markdown or html"),
            (["report", "equality", "--year", "2019"], "there are no rounds in 2019, so there is no grant section to write; see `tilskot round list`"),
            (["report", "equality", "--year", "2021", "--out", folder.appending(path: "x.md").path],
             "cannot write \(folder.appending(path: "x.md").path): the folder \(folder.path) does not exist; create it first (mkdir -p \(folder.path))"),
            (["export", "360giving", "--year", "2019"], "there are no grants decided in the rounds of 2019, and a 360Giving file needs at least one; see `tilskot report summary --year 2019`"),
            (["export", "360giving", "--year", "2021", "--format", "markdown"], "--format markdown is not a 360Giving format; give --format json (a grant package) or --format csv (flattened)"),
        ]
        for (arguments, sentence) in cases {
            let result = try CLIRunner.run(arguments, database: db)
            #expect(result.exitCode == 1, "\(arguments)")
            #expect(result.errorLines == [sentence], "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test("sample load through the CLI, twice: the second run registers nothing")
    func sampleLoad() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try Sample.users(db)
        let first = try CLIRunner.run(["sample", "load", "--format", "csv"], database: db)
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("JS/2021,yes,41,0"))
        let second = try CLIRunner.run(["sample", "load", "--format", "csv"], database: db)
        #expect(second.stdout.contains("JS/2021,no,0,41"))
        let summary = try CLIRunner.run(["report", "summary", "--year", "2021"], database: db)
        #expect(summary.stdout.contains("135 300 000 kr"))
    }
}
