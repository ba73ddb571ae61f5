import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotReports
import TilskotStore

/// The reports page (issue 20): the standard reports of a year as tables — each the query and the
/// table of its CLI command (`report summary | geography | applicants | trend | caseload |
/// followup`), so the page, its CSV and its workbook say what the CLI says — with downloads
/// (/web/reports/NAME.csv and .xlsx: the CLI's writers, the same bytes); the equality section as it
/// will be printed (`report equality --format html`) in nn, nb and en; and the 360Giving export
/// (`export 360giving`, streamed as the API streams it).
enum ReportsPage {
    static var language: WebLanguage { WebPageContext.current?.language ?? .nn }

    /// The standard reports, in the order the page shows them.
    static let names = ["summary", "geography", "applicants", "trend", "caseload", "followup"]

    /// What a report is asked for: the budget year, and for the trend a scheme and its years;
    /// for geography the level and the county division. Input form only (as the CLI's options).
    struct Parameters: Sendable {
        var year: Int?
        var scheme: SchemeCode?
        var from: Int?
        var to: Int?
        var level: GeographyQuery.Level = .county
        var division: CountyDivision?

        init(query: String) throws(ValidationError) {
            let form = WebForm(urlEncoded: query)
            func year(_ name: String) throws(ValidationError) -> Int? {
                guard let text = form[name] else { return nil }
                guard let value = Int(text), RoundKey.acceptedYears.contains(value) else {
                    throw ValidationError(field: name, message: "\(name) \(text) is not a year from \(RoundKey.acceptedYears.lowerBound) to \(RoundKey.acceptedYears.upperBound), e.g. 2021")
                }
                return value
            }
            self.year = try year("year")
            self.from = try year("from")
            self.to = try year("to")
            if let text = form["scheme"] { scheme = try SchemeCode(text) }
            if let text = form["by"] {
                guard let level = GeographyQuery.Level(rawValue: text.lowercased()) else {
                    throw ValidationError(field: "by", message: "by \(text) is not known; give county or municipality")
                }
                self.level = level
            }
            if let text = form["division"] { division = try CountyDivision.parse(text) }
        }

        /// The query string of the downloads (what was asked, with the year the page settled on).
        func query(year: Int, scheme: SchemeCode?) -> String {
            var parts = ["year=\(year)"]
            if let scheme { parts.append("scheme=\(scheme.value)") }
            parts.append("from=\(from ?? year - 2)")
            parts.append("to=\(to ?? year)")
            parts.append("by=\(level.rawValue)")
            if let division { parts.append("division=\(division.rawValue)") }
            return parts.joined(separator: "&")
        }
    }

    /// The report `name` as its CLI command builds it, in `format`; nil when it cannot be made
    /// (the trend without a scheme). The same calls as ReportCommand and the API's reports.
    static func table(_ name: String, year: Int, scheme: SchemeCode?, _ p: Parameters, _ format: OutputFormat,
                      _ session: Session) throws -> DataTable? {
        switch name {
        case "summary":
            let r = try SummaryQuery.fetch(year: year, session: session)
            return SummaryReport.table(r.rows, basis: r.basis, format: format)
        case "geography":
            let r = try GeographyQuery.fetch(year: year, by: p.level, division: p.division, scheme: nil, session: session)
            return GeographyReport.table(r.rows, level: p.level, basis: r.basis, format: format)
        case "applicants":
            let r = try ApplicantsQuery.fetch(year: year, session: session)
            return ApplicantsReport.table(r.rows, basis: r.basis, format: format)
        case "trend":
            guard let scheme else { return nil }
            let r = try TrendQuery.fetch(scheme: scheme, from: p.from ?? year - 2, to: p.to ?? year, session: session)
            return TrendReport.table(scheme: scheme.value, r.rows, basis: r.basis, format: format)
        case "caseload":
            let r = try CaseloadQuery.fetch(year: year, session: session)
            return CaseloadReport.table(r.rows, basis: r.basis, format: format)
        case "followup":
            let r = try FollowupQuery.fetch(year: year, session: session)
            return FollowupReport.table(r.rows, basis: r.basis, format: format)
        default:
            return nil
        }
    }

    /// The year and trend scheme the page shows when none is asked for: the newest round's year,
    /// and the first scheme (by code) with a round in it. One round trip, only when needed.
    static func defaults(_ p: Parameters, _ session: Session) throws -> (year: Int, scheme: SchemeCode?) {
        if let year = p.year, let scheme = p.scheme { return (year, scheme) }
        let row = try session.connection.queryRow("""
            SELECT y.year, (SELECT min(s.code) FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
                             WHERE r.year = y.year) AS scheme
              FROM (SELECT coalesce($1::integer, (SELECT max(year) FROM tilskot.round), $2::integer) AS year) y
            """, [p.year, WebTime.today.year])
        let year = p.year ?? row.flatMap { Int($0["year"] ?? "") } ?? WebTime.today.year
        let scheme = try p.scheme ?? row?["scheme"].flatMap { text throws(ValidationError) in try SchemeCode(text) }
        return (year, scheme)
    }

    /// GET /web/reports?year=&scheme=&from=&to=&by=&division=. One READ ONLY transaction: the
    /// defaults (1 round trip when year or scheme is not given), then every report's rows and
    /// basis in one statement (ReportBatch over each report's fetch, the CLI's SQL) — at most 2
    /// round trips, reported in X-Tilskot-Round-Trips.
    static func page(pool: DatabasePool, query: String) async throws -> Response {
        let title = WebText.string("reports_title", language)
        let lang = language
        let p: Parameters
        do throws(ValidationError) {
            p = try Parameters(query: query)
        } catch {
            return WebRender.page("reports", title: title, ["error": error.message, "year": WebForm(urlEncoded: query)["year"] ?? ""],
                                  status: .unprocessableContent)
        }
        var presentation = Presentation(language: ReportLanguage(rawValue: lang.rawValue) ?? .nn, width: nil)
        struct Shown: Sendable { var name: String; var table: DataTable? }
        let result: ((Int, SchemeCode?, [Shown]), Int)
        do {
            result = try await WebRoundTrips.read(pool, "GET /web/reports") { session in
                let (year, scheme) = try defaults(p, session)
                // The six reports' rows and bases as one statement (ReportBatch: the same SQL and
                // decoding as each report's fetch), each report's refusal kept to its own.
                let shown = try ReportBatch.run(session) { () throws -> [Shown] in
                    let each = names.map { name in
                        Result { Shown(name: name, table: try table(name, year: year, scheme: scheme, p, .markdown, session)) }
                    }
                    return try each.map { try $0.get() }
                }
                return (year, scheme, shown)
            }
        } catch let failure as DatabasePool.RequestFailure {
            return WebRender.page("reports", title: title, ["error": failure.error.description, "year": p.year.map(String.init) ?? ""],
                                  status: Problem.from(failure.error, database: failure.database).status)
        }
        let ((year, scheme, shown), trips) = result
        presentation.timeZone = WebTime.zone  // as the read found it
        let downloadQuery = p.query(year: year, scheme: scheme)
        let reports: [[String: Any]] = shown.map { item in
            var report: [String: Any] = [
                "name": item.name, "title": WebText.string("report_\(item.name)", lang),
                "caption": WebText.string("report_\(item.name)_caption", lang),
                "csv": "/web/reports/\(item.name).csv?\(downloadQuery)", "xlsx": "/web/reports/\(item.name).xlsx?\(downloadQuery)",
            ]
            if let table = item.table {
                report["table"] = htmlTable(table, presentation)
            } else {
                report["missing"] = WebText.string("report_trend_no_scheme", lang)
            }
            return report
        }
        let values: [String: Any] = [
            "year": String(year), "scheme": scheme?.value ?? "", "from": String(p.from ?? year - 2), "to": String(p.to ?? year),
            "by_county": p.level == .county, "by_municipality": p.level == .municipality,
            "reports": reports,
            "equality": ReportLanguage.allCases.map { l -> [String: Any] in
                ["href": "/web/reports/equality?year=\(year)&lang=\(l.rawValue)", "lang": l.rawValue,
                 "name": WebText.string("report_equality_\(l.rawValue)", lang)]
            },
            "giving": "/web/reports/360giving.json?year=\(year)",
        ]
        return WebRoundTrips.stamp(WebRender.page("reports", title: title, values), trips)
    }

    /// A report's table for the page: the CLI's columns as headers (`<th scope="col">`), the cells
    /// as a person's format shows them (amounts in kroner, statuses in the language), numbers right.
    static func htmlTable(_ table: DataTable, _ presentation: Presentation) -> [String: Any] {
        let numeric = table.columns.indices.map { i in
            !table.rows.isEmpty && table.rows.allSatisfy {
                switch $0[i] { case .integer, .decimal, .money, .change, .null: true; default: false }
            }
        }
        return [
            "columns": table.columns.indices.map { ["name": table.columns[$0], "num": numeric[$0]] },
            "rows": table.rows.map { row in
                ["first": row.first?.display(presentation) ?? "",
                 "cells": row.indices.dropFirst().map { ["text": row[$0].display(presentation), "num": numeric[$0]] }]
            },
            "has_rows": !table.rows.isEmpty,
            "footnote": table.footnote ?? "",
        ]
    }

    // MARK: - Downloads

    /// GET /web/reports/{file}: NAME.csv and NAME.xlsx (the CLI's `--format csv` / `--format xlsx`
    /// bytes), equality (the section's HTML), 360giving.json (the export, streamed).
    static func file(pool: DatabasePool, file: String, query: String) async throws -> Response {
        if file == "equality" { return try await equality(pool: pool, query: query) }
        if file == "360giving.json" { return try await giving(pool: pool, query: query) }
        let parts = file.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, names.contains(parts[0]), let format = ["csv": OutputFormat.csv, "xlsx": .xlsx][parts[1]] else {
            throw HTTPError(.notFound)
        }
        let name = parts[0]
        let p: Parameters
        do throws(ValidationError) { p = try Parameters(query: query) } catch {
            return WebRender.message(titleKey: "error_title", sentence: error.message, status: .unprocessableContent)
        }
        let language = ReportLanguage(rawValue: self.language.rawValue) ?? .nn
        let bytes: [UInt8]?
        do {
            let zone = WebPageContext.current?.timeZone  // set by the read, before this closure runs
            bytes = try await WebPages.read(pool, "GET /web/reports/\(file)") { session -> [UInt8]? in
                let (year, scheme) = try defaults(p, session)
                guard let table = try ReportBatch.run(session, { try table(name, year: year, scheme: scheme, p, format, session) })
                else { return nil }
                return format == .xlsx ? Array(table.xlsx(Presentation(language: language, timeZone: zone?.value ?? Presentation.oslo))) : Array(table.render(.csv).utf8)
            }
        } catch let failure as DatabasePool.RequestFailure {
            let problem = Problem.from(failure.error, database: failure.database)
            return WebRender.message(titleKey: "error_title", sentence: problem.detail, status: problem.status)
        }
        guard let bytes else {
            return WebRender.message(titleKey: "error_title", sentence: WebText.string("report_trend_no_scheme", self.language), status: .unprocessableContent)
        }
        let year = p.year.map { "-\($0)" } ?? ""
        return format == .xlsx
            ? download(bytes, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename: "\(name)\(year).xlsx")
            : download(bytes, contentType: "text/csv; charset=utf-8", filename: "\(name)\(year).csv")
    }

    /// A file to save: its type, `Content-Disposition: attachment`, the headers of every page.
    static func download(_ bytes: [UInt8], contentType: String, filename: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        headers[.cacheControl] = "no-store"
        var response = Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        WebHeaders.apply(&response)
        return response
    }

    /// GET /web/reports/equality?year=&lang=&division=: the section exactly as `report equality
    /// --format html` writes it (the API's GET /reports/equality), to read and print. Its figures
    /// READ ONLY, then the participants by gender as a logged read (left out, as in the CLI, when
    /// the database refuses it to this user): two transactions, as the API. The document carries
    /// its own style sheet inline; its Content-Security-Policy allows that one sheet by its hash
    /// and nothing else inline (no script at all).
    static func equality(pool: DatabasePool, query: String) async throws -> Response {
        let form = WebForm(urlEncoded: query)
        let p: Parameters
        do throws(ValidationError) { p = try Parameters(query: query) } catch {
            return WebRender.message(titleKey: "error_title", sentence: error.message, status: .unprocessableContent)
        }
        let reportLanguage = form["lang"].flatMap(ReportLanguage.init(rawValue:)) ?? ReportLanguage(rawValue: language.rawValue) ?? .nn
        guard let identity = RequestInfo.current?.identity else { throw Problem.unauthorized("no session") }
        let html: String
        do {
            let figures = try await WebPages.read(pool, "GET /web/reports/equality") { session in
                let (year, _) = try defaults(p, session)
                return try EqualityQuery.fetch(year: year, division: p.division, session: session)
            }
            guard !figures.schemes.isEmpty else {
                throw DatabasePool.RequestFailure(error: .refused("there are no rounds in \(figures.year), so there is no grant section to write; see `tilskot round list`"), database: nil)
            }
            var section = EqualitySection(figures, language: reportLanguage)
            do {
                let gender = try await pool.request(.init(identity: identity, readOnly: false, applicationName: "tilskot serve GET /web/reports/equality")) { session in
                    try EqualityGender.fetch(year: figures.year, session: session)
                }
                section.addGender(gender)
            } catch let failure as DatabasePool.RequestFailure {
                guard case .refused = failure.error else { throw failure }
            }
            html = section.renderHTML()
        } catch let failure as DatabasePool.RequestFailure {
            let problem = Problem.from(failure.error, database: failure.database)
            return WebRender.message(titleKey: "error_title", sentence: problem.detail, status: problem.status)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        var response = Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        WebHeaders.apply(&response)
        response.headers[HTTPField.Name("Content-Security-Policy")!] = documentPolicy(html)
        return response
    }

    /// The equality document's policy: its one inline <style> by its SHA-256, images from itself
    /// and data: URLs, nothing else — no script, no framing, no forms.
    static func documentPolicy(_ html: String) -> String {
        var styles: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<style>"), let close = rest.range(of: "</style>", range: open.upperBound..<rest.endIndex) {
            let css = rest[open.upperBound..<close.lowerBound]
            styles.append("'sha256-" + Data(SHA256.hash(data: Data(css.utf8))).base64EncodedString() + "'")
            rest = rest[close.upperBound...]
        }
        return "default-src 'none'; style-src \(styles.isEmpty ? "'none'" : styles.joined(separator: " ")); img-src 'self' data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
    }

    /// GET /web/reports/360giving.json?year=: the API's streamed export (TilskotAPI.export360Giving,
    /// `export 360giving --year`), as a download; a year without grants is refused on a page.
    static func giving(pool: DatabasePool, query: String) async throws -> Response {
        let p: Parameters
        do throws(ValidationError) { p = try Parameters(query: query) } catch {
            return WebRender.message(titleKey: "error_title", sentence: error.message, status: .unprocessableContent)
        }
        guard let year = p.year else {
            return WebRender.message(titleKey: "error_title", sentence: WebText.string("report_give_year", language), status: .unprocessableContent)
        }
        do {
            let chunks = try await TilskotAPI(pool: pool).export360Giving(year: year)
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"360giving-\(year).json\""
            headers[.cacheControl] = "no-store"
            var response = Response(status: .ok, headers: headers,
                                    body: ResponseBody(asyncSequence: chunks.map { @Sendable chunk in ByteBuffer(bytes: chunk) }))
            WebHeaders.apply(&response)
            return response
        } catch {
            let problem = RequestMiddleware<BasicRequestContext>.problem(for: error)
            return WebRender.message(titleKey: "error_title", sentence: problem.detail, status: problem.status)
        }
    }
}
