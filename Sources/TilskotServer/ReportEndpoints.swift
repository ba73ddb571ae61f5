import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import Synchronization
import TilskotCore
import TilskotReports
import TilskotStore

/// Reports, the 360Giving export and the audit log (issue 19, I19-S3): each the query of its CLI
/// command (`tilskot report …`, `export 360giving`, `audit list`) rendered by the same table, as
/// JSON (the keys of `--format json`) or CSV by Accept. Reads run READ ONLY; the equality
/// section's participants-by-gender table is a logged read and runs in a transaction that may write.
extension TilskotAPI {
    // MARK: - Plumbing

    /// A read that writes (participant reads are logged, as today): a read-write transaction as the
    /// token's user, without an Idempotency-Key (it creates nothing the client asked for).
    func loggedRead<T: Sendable>(_ name: String, _ body: @escaping @Sendable (Session) throws -> T) async throws -> T {
        let info = try Self.info
        guard let identity = info.identity else { throw Problem.unauthorized("a bearer token is required") }
        return try await pool.request(.init(identity: identity, readOnly: false, applicationName: "tilskot serve \(name)"), body)
    }

    /// The budget year of a report, in the range a round key accepts (input form only).
    static func reportYear(_ value: Int, _ name: String = "year") throws -> Int {
        guard RoundKey.acceptedYears.contains(value) else {
            throw Problem(.unprocessableContent, "\(name) \(value) is out of range; give \(name)= a year from \(RoundKey.acceptedYears.lowerBound) to \(RoundKey.acceptedYears.upperBound), e.g. \(name)=2021")
        }
        return value
    }

    /// A report as the rows of its JSON, or its CSV text.
    enum ReportBody { case json(Components.Schemas.FollowupRecords), csv(HTTPBody) }

    /// Runs `make` READ ONLY and renders its table in the format the client accepts.
    func report(_ name: String, csv: Bool, _ make: @escaping @Sendable (Session, OutputFormat) throws -> DataTable) async throws -> ReportBody {
        let format: OutputFormat = csv ? .csv : .json
        let text = try await read(name) { session in try make(session, format).render(format) }
        if csv { return .csv(HTTPBody(text)) }
        return .json(try Self.records(Data(text.utf8)))
    }

    static func division(_ text: String?) throws -> CountyDivision? {
        try text.map { text in try parse { () throws(ValidationError) in try CountyDivision.parse(text) } }
    }

    // MARK: - Reports

    func reportSummary(_ input: Operations.ReportSummary.Input) async throws -> Operations.ReportSummary.Output {
        let year = try Self.reportYear(input.query.year)
        switch try await report("GET /reports/summary", csv: Self.prefersCSV(input.headers.accept, csv: .csv, json: .json), { session, format in
            let result = try SummaryQuery.fetch(year: year, session: session)
            return SummaryReport.table(result.rows, basis: result.basis, format: format)
        }) {
        case .json(let rows): return .ok(.init(body: .json(rows)))
        case .csv(let body): return .ok(.init(body: .csv(body)))
        }
    }

    func reportGeography(_ input: Operations.ReportGeography.Input) async throws -> Operations.ReportGeography.Output {
        let q = input.query
        let year = try Self.reportYear(q.year)
        let level = GeographyQuery.Level(rawValue: q.by?.rawValue ?? "county") ?? .county
        let division = try Self.division(q.division?.rawValue)
        let scheme = try q.scheme.map { text in try Self.parse { () throws(ValidationError) in try SchemeCode(text) }.value }
        switch try await report("GET /reports/geography", csv: Self.prefersCSV(input.headers.accept, csv: .csv, json: .json), { session, format in
            let result = try GeographyQuery.fetch(year: year, by: level, division: division, scheme: scheme, session: session)
            return GeographyReport.table(result.rows, level: level, basis: result.basis, format: format)
        }) {
        case .json(let rows): return .ok(.init(body: .json(rows)))
        case .csv(let body): return .ok(.init(body: .csv(body)))
        }
    }

    func reportApplicants(_ input: Operations.ReportApplicants.Input) async throws -> Operations.ReportApplicants.Output {
        let year = try Self.reportYear(input.query.year)
        switch try await report("GET /reports/applicants", csv: Self.prefersCSV(input.headers.accept, csv: .csv, json: .json), { session, format in
            let result = try ApplicantsQuery.fetch(year: year, session: session)
            return ApplicantsReport.table(result.rows, basis: result.basis, format: format)
        }) {
        case .json(let rows): return .ok(.init(body: .json(rows)))
        case .csv(let body): return .ok(.init(body: .csv(body)))
        }
    }

    func reportTrend(_ input: Operations.ReportTrend.Input) async throws -> Operations.ReportTrend.Output {
        let q = input.query
        let code = try Self.parse { () throws(ValidationError) in try SchemeCode(q.scheme) }
        let (from, to) = (try Self.reportYear(q.from, "from"), try Self.reportYear(q.to, "to"))
        switch try await report("GET /reports/trend", csv: Self.prefersCSV(input.headers.accept, csv: .csv, json: .json), { session, format in
            let result = try TrendQuery.fetch(scheme: code, from: from, to: to, session: session)
            return TrendReport.table(scheme: code.value, result.rows, basis: result.basis, format: format)
        }) {
        case .json(let rows): return .ok(.init(body: .json(rows)))
        case .csv(let body): return .ok(.init(body: .csv(body)))
        }
    }

    func reportCaseload(_ input: Operations.ReportCaseload.Input) async throws -> Operations.ReportCaseload.Output {
        let year = try input.query.year.map { try Self.reportYear($0) }
        switch try await report("GET /reports/caseload", csv: Self.prefersCSV(input.headers.accept, csv: .csv, json: .json), { session, format in
            let result = try CaseloadQuery.fetch(year: year, session: session)
            return CaseloadReport.table(result.rows, basis: result.basis, format: format)
        }) {
        case .json(let rows): return .ok(.init(body: .json(rows)))
        case .csv(let body): return .ok(.init(body: .csv(body)))
        }
    }

    func reportFollowup(_ input: Operations.ReportFollowup.Input) async throws -> Operations.ReportFollowup.Output {
        let year = try Self.reportYear(input.query.year)
        switch try await report("GET /reports/followup", csv: Self.prefersCSV(input.headers.accept, csv: .csv, json: .json), { session, format in
            let result = try FollowupQuery.fetch(year: year, session: session)
            return FollowupReport.table(result.rows, basis: result.basis, format: format)
        }) {
        case .json(let rows): return .ok(.init(body: .json(rows)))
        case .csv(let body): return .ok(.init(body: .csv(body)))
        }
    }

    /// The section as `report equality --format html` writes it: the figures READ ONLY, then the
    /// participants-by-gender table as a logged read (left out, as in the CLI, when the database
    /// refuses it to this user).
    func reportEquality(_ input: Operations.ReportEquality.Input) async throws -> Operations.ReportEquality.Output {
        let q = input.query
        let year = try Self.reportYear(q.year)
        let language = ReportLanguage(rawValue: q.lang?.rawValue ?? "nn") ?? .nn
        let division = try Self.division(q.division?.rawValue)
        let figures = try await read("GET /reports/equality") { session in
            try EqualityQuery.fetch(year: year, division: division, session: session)
        }
        guard !figures.schemes.isEmpty else {
            throw TilskotError.refused("there are no rounds in \(year), so there is no grant section to write; see `tilskot round list`")
        }
        var section = EqualitySection(figures, language: language)
        do {
            let gender = try await loggedRead("GET /reports/equality") { session in try EqualityGender.fetch(year: figures.year, session: session) }
            section.addGender(gender)
        } catch let failure as DatabasePool.RequestFailure {
            guard case .refused = failure.error else { throw failure }
        }
        return .ok(.init(body: .html(HTTPBody(section.renderHTML()))))
    }

    // MARK: - 360Giving

    /// Routes served beside the generated ones: `GET /exports/360giving?year=Y`, whose package is
    /// streamed (the generator writes an application/json body from a value in memory).
    static func registerStreamingRoutes<Context: RequestContext>(on router: Router<Context>, pool: DatabasePool) {
        router.get("/exports/360giving") { request, _ -> Response in
            guard let text = request.uri.queryParameters.get("year"), let value = Int(text) else {
                throw Problem(.badRequest, "give year=, the budget year of the grants, e.g. /exports/360giving?year=2021")
            }
            let chunks = try await TilskotAPI(pool: pool).export360Giving(year: try reportYear(value))
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(asyncSequence: chunks.map { @Sendable chunk in ByteBuffer(bytes: chunk) }))
        }
    }

    /// The package as `export 360giving` writes it, a batch of grants at a time: the producer (the
    /// query, on the pool connection's thread, in one READ ONLY transaction as the token's user)
    /// stays at most a few chunks ahead of the client, and stops when the client goes. A year
    /// without grants is refused before anything is sent (a problem document, not half a file).
    func export360Giving(year: Int) async throws -> some AsyncSequence<ArraySlice<UInt8>, any Error> & Sendable {
        let channel = ChunkChannel(ahead: 4)
        let export = Giving360Export(funder: .imdi)
        let api = self
        Task {
            do {
                let count = try await api.read("GET /exports/360giving") { session in
                    try export.write(year: year, session: session, .json) { (text: String) throws(TilskotError) in
                        guard channel.send(text) else {
                            throw TilskotError.refused("the client stopped reading the 360Giving export; nothing more is sent")
                        }
                    }
                }
                channel.finish(count: count, error: nil)
            } catch {
                channel.finish(count: 0, error: error)
            }
        }
        switch await channel.started() {
        case .chunk: break
        case .failed(let error): throw error
        case .done:
            throw TilskotError.refused("there are no grants decided in the rounds of \(year), and a 360Giving file needs at least one; see `tilskot report summary --year \(year)`")
        }
        return channel.stream.map { @Sendable chunk in channel.taken(); return chunk }
    }

    // MARK: - Audit

    func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        let q = input.query
        let limit = q.limit ?? 100
        guard (1...1000).contains(limit) else {
            throw Problem(.unprocessableContent, "limit \(limit) is outside 1–1000: ask for at most 1 000 audit events a page and follow next_cursor")
        }
        let since = try q.since.map(Self.instant)
        let application = try q.application.map(Self.reference)
        // Keyset paging, as GET /applications: the cursor is the last event's id, so a page far into
        // the log costs what the first does and no number in a cursor sizes what is read.
        let filter = Audit.Filter(since: since, actor: q.actor, table: q.table, application: application, limit: limit + 1,
                                  afterID: try q.cursor.map(Self.decodeCursor))
        let (text, next) = try await read("GET /audit") { session in
            let rows = try Audit.list(filter, session: session)
            let page = Array(rows.prefix(limit))
            return (FollowupTables.auditEvents(page, .json).renderJSON(),
                    rows.count > limit ? page.last.map { Self.encodeCursor(after: $0.id) } : nil)
        }
        return .ok(.init(body: .json(.init(items: try Self.records(Data(text.utf8)), nextCursor: next))))
    }

    /// `since`: a date (from its start, UTC) or an ISO 8601 time, as `audit list --since` reads it.
    static func instant(_ text: String) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.contains("T") && !trimmed.contains(":") {
            return try parse { () throws(ValidationError) in try CalendarDate(trimmed, field: "since") }.startOfDayUTC
        }
        if let value = try? Date(trimmed, strategy: .iso8601) { return value }
        throw Problem(.unprocessableContent, "since \"\(trimmed)\" is not a date or a time; expected YYYY-MM-DD, DD.MM.YYYY or e.g. 2021-03-01T12:00:00Z")
    }
}

/// Text chunks from a producer on a pool connection's thread to a response body. `send` blocks
/// while `ahead` chunks wait for the client, and returns false once the client has gone (the
/// producer then stops, ending its transaction). `started` tells the handler whether the first
/// chunk came, or the producer ended without one (so a refusal is still a problem document).
final class ChunkChannel: Sendable {
    enum Start: Sendable { case chunk, done, failed(any Error) }

    let stream: AsyncThrowingStream<ArraySlice<UInt8>, any Error>
    private let continuation: AsyncThrowingStream<ArraySlice<UInt8>, any Error>.Continuation
    private let space: DispatchSemaphore
    private struct State {
        var stopped = false
        var start: Start?
        var waiter: CheckedContinuation<Start, Never>?
    }
    private let state = Mutex(State())

    init(ahead: Int) {
        (stream, continuation) = AsyncThrowingStream.makeStream(of: ArraySlice<UInt8>.self, throwing: (any Error).self)
        space = DispatchSemaphore(value: ahead)
        continuation.onTermination = { [weak self] _ in self?.stop() }
    }

    private func stop() {
        state.withLock { $0.stopped = true }
        space.signal()
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    /// The producer's side: false when the client has gone.
    func send(_ text: String) -> Bool {
        if stopped { return false }
        space.wait()
        if stopped { return false }
        continuation.yield(ArraySlice(text.utf8))
        resolve(.chunk)
        return true
    }

    func finish(count: Int, error: (any Error)?) {
        if let error { resolve(.failed(error)) } else { resolve(count == 0 ? .done : .chunk) }
        continuation.finish(throwing: error)
    }

    /// The consumer took a chunk: room for one more.
    func taken() { space.signal() }

    private func resolve(_ start: Start) {
        let waiter = state.withLock { s -> CheckedContinuation<Start, Never>? in
            guard s.start == nil else { return nil }
            s.start = start
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: start)
    }

    func started() async -> Start {
        await withCheckedContinuation { (c: CheckedContinuation<Start, Never>) in
            let known = state.withLock { s -> Start? in
                if let start = s.start { return start }
                s.waiter = c
                return nil
            }
            if let known { c.resume(returning: known) }
        }
    }
}
