import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotReports
import TilskotStore

/// The case page's routes and its forms: GET /web/cases/{reference} (CasePage), its letters, and
/// POST /web/cases/{reference}/{action} for assign, assess, decide, notice, withdraw and appeal.
///
/// A form is checked like the API's If-Match: in the request's transaction, the case is claimed
/// first (tilskot.case_claim, as TilskotAPI.caseChange does) and its version read; a form whose
/// hidden `etag` is not the case's version now is refused (409) with a sentence saying the case
/// changed. Then the service the CLI command calls runs, and the database judges who may and what
/// fits; a refusal shows the page again with the sentence beside the form and what was typed kept,
/// with the API's status for it (Problem: 403 for a role, 409 for a conflict, 422 for a rule). After
/// a change the browser is sent back to the case page (303). The CSRF token and Origin are checked
/// by WebMiddleware before any of this runs.
enum CaseActions {
    static let actions: Set<String> = ["assign", "assess", "decide", "notice", "withdraw", "appeal"]

    static func register<Context: RequestContext>(on web: RouterGroup<Context>, pool: DatabasePool) {
        web.get("cases/{reference}") { _, context -> Response in
            try await CasePage.page(pool: pool, referenceText: context.parameters.get("reference") ?? "")
        }
        web.get("cases/{reference}/letter") { request, context -> Response in
            try await letter(pool: pool, referenceText: context.parameters.get("reference") ?? "",
                             query: WebForm(urlEncoded: request.uri.query ?? ""))
        }
        web.post("cases/{reference}/{action}") { _, context -> Response in
            let action = context.parameters.get("action") ?? ""
            guard actions.contains(action) else { throw HTTPError(.notFound) }
            return try await act(pool: pool, referenceText: context.parameters.get("reference") ?? "", action: action,
                                 form: WebForm(body: RequestInfo.current?.body ?? []), problem: RequestMiddleware<Context>.problem)
        }
        RegisterPage.register(on: web, pool: pool)
    }

    /// A form's input that its form refuses before the database sees it (a date that is no date).
    struct InputRefusal: Error { let sentence: String }

    static func t(_ key: String) -> String { CasePage.t(key) }

    static func date(_ text: String?, field: String) throws -> CalendarDate? {
        guard let text else { return nil }
        do throws(ValidationError) { return try CalendarDate(text, field: field) } catch { throw InputRefusal(sentence: error.message) }
    }

    static func money(_ text: String?, field: String) throws -> Money? {
        guard let text else { return nil }
        do throws(ValidationError) { return try Money.parse(text, field: field) } catch { throw InputRefusal(sentence: error.message) }
    }

    /// The change a form asks for, as the service call the CLI command makes; the input's form is
    /// read here, everything else is the database's.
    static func change(_ action: String, _ reference: ApplicationReference, _ form: WebForm) throws -> @Sendable (Session) throws -> Void {
        switch action {
        case "assign":
            let to = form["to"]
            let kind: Applications.AssignmentKind = form["also"] != nil ? .also : .handover
            return { session in _ = try Applications.assign(reference, to: to, kind: kind, session: session) }
        case "assess":
            guard let scoreText = form["score"], let score = Int(scoreText) else { throw InputRefusal(sentence: t("case_score_needed")) }
            guard let recommendation = form["recommendation"].flatMap(Recommendation.init(rawValue:)) else {
                throw InputRefusal(sentence: t("case_recommendation_needed"))
            }
            let amount = try money(form["amount"], field: "amount")
            let notes = form["notes"]
            return { session in
                _ = try Assessments.assess(reference, score: score, recommendation: recommendation, amount: amount, notes: notes, session: session)
            }
        case "decide":
            let request: DecisionRequest
            switch form["outcome"] ?? "" {
            case "grant":
                guard let amount = try money(form["amount"], field: "amount granted") else { throw InputRefusal(sentence: t("case_amount_needed")) }
                request = .grant(amount)
            case "reject": request = .reject
            case "dismiss": request = .dismiss
            default: throw InputRefusal(sentence: t("case_outcome_needed"))
            }
            let reasons = form["reasons"], conditions = form["conditions"]
            let date = try date(form["date"], field: "decision date")
            return { session in
                _ = try Decisions.decide(reference, request, reasons: reasons, conditions: conditions, date: date, session: session)
            }
        case "notice":
            guard let sent = try date(form["sent"], field: "sent") else { throw InputRefusal(sentence: t("case_sent_needed")) }
            let received = try date(form["received"], field: "received")
            let channel = form["channel"] ?? ""
            return { session in
                _ = try Notices.notify(reference, .currentDecision, sent: sent, channel: channel, received: received, session: session)
            }
        case "withdraw":
            let reason = form["reason"] ?? ""
            return { session in _ = try Applications.withdraw(reference, reason: reason, session: session) }
        case "appeal":
            guard let received = try date(form["received"], field: "received") else { throw InputRefusal(sentence: t("case_received_needed")) }
            let sent = try date(form["sent"], field: "sent")
            let grounds = form["grounds"] ?? "", late = form["late"] != nil, lateReason = form["late_reason"]
            return { session in
                _ = try Appeals.register(reference, received: received, sent: sent, grounds: grounds, late: late,
                                         lateReason: lateReason, session: session)
            }
        default:
            throw HTTPError(.notFound)
        }
    }

    /// POST /web/cases/{reference}/{action}.
    static func act(pool: DatabasePool, referenceText: String, action: String, form: WebForm,
                    problem: (any Error) -> Problem) async throws -> Response {
        // Back to the case, at the part the change shows in (the form's own fragment is replaced).
        let part = ["assess": "h-assessments", "decide": "h-decisions", "notice": "h-decisions", "appeal": "h-decisions"][action] ?? "h-application"
        return try await post(pool: pool, referenceText: referenceText, action: action, route: action, form: form,
                              part: part, problem: problem, change: change)
    }

    /// A case form's POST, for this file's actions and CaseStepActions' steps: the change parsed from
    /// the form (an input refusal shows the page again with its sentence), then one read-write
    /// transaction as the user — the case claimed before its version is read (TilskotAPI.caseChange
    /// says why), the version compared with the one the form was made from, the change — and 303
    /// back to the case at `part`. A refusal shows the page again with the database's sentence
    /// beside the form and what was typed.
    static func post(pool: DatabasePool, referenceText: String, action: String, route: String, form: WebForm, part: String,
                     problem: (any Error) -> Problem,
                     change: (String, ApplicationReference, WebForm) throws -> @Sendable (Session) throws -> Void) async throws -> Response {
        guard let reference = try? ApplicationReference(referenceText) else { throw HTTPError(.notFound) }
        var typed = form.fields
        typed["csrf"] = nil
        typed["etag"] = nil
        func again(_ sentence: String, _ status: HTTPResponse.Status) async throws -> Response {
            try await CasePage.page(pool: pool, referenceText: referenceText,
                                    refusal: CasePage.Refusal(action: action, sentence: sentence, fields: typed), status: status)
        }
        let body: @Sendable (Session) throws -> Void
        do {
            body = try change(action, reference, form)
        } catch let refusal as InputRefusal {
            return try await again(refusal.sentence, .unprocessableContent)
        }
        guard let identity = RequestInfo.current?.identity else { throw Problem.unauthorized("no session") }
        let seen = form["etag"] ?? ""
        let changed = t("case_changed")
        do {
            try await pool.request(.init(identity: identity, readOnly: false,
                                         applicationName: "tilskot serve POST /web/cases/{reference}/\(route)")) { session in
                // The case claimed, then its version read, as the API's changes do (one round trip).
                let answers = try session.connection.pipeline(TilskotAPI.claimAndVersion(reference))
                guard try TilskotAPI.claimedVersion(reference, answers) == seen else { throw Problem(.conflict, changed) }
                try body(session)
            }
        } catch {
            let refused = problem(error)
            if refused.status.code >= 500 || refused.status == .unauthorized { throw error }
            // Something the form names that does not exist (a user, a case) is a refusal of the form.
            return try await again(refused.detail, refused.status == .notFound ? .unprocessableContent : refused.status)
        }
        return WebRender.redirect("/web/cases/\(reference)#\(part)")
    }

    // MARK: - Letters

    /// GET /web/cases/{reference}/letter?kind=&lang=&format=&download=&notice=: the letter the API's
    /// GET /applications/{reference}/letters/{kind} renders, from the same letter sources. HTML is
    /// shown inside the page (the letter's body, without its own style sheet, which the pages'
    /// Content-Security-Policy would refuse) or downloaded as the API's bytes; Markdown is a download.
    static func letter(pool: DatabasePool, referenceText: String, query: WebForm) async throws -> Response {
        guard let reference = try? ApplicationReference(referenceText) else { throw HTTPError(.notFound) }
        let kind = query["kind"] ?? "decision"
        guard ["decision", "advance-notice", "appeal-dismissal", "forwarding", "body-upheld"].contains(kind) else { throw HTTPError(.notFound) }
        let language = query["lang"].flatMap(LetterLanguage.init(rawValue:))
        let format: LetterFormat = query["format"] == "markdown" ? .markdown : .html
        let notice = query["notice"].flatMap { Int64($0) }
        let download = format == .markdown || query["download"] != nil
        let text: String
        do {
            text = try await WebPages.read(pool, "GET /web/cases/{reference}/letter") { session -> String in
                try render(kind: kind, reference: reference, notice: notice, format: format, language: language, session: session)
            }
        } catch let failure as DatabasePool.RequestFailure {
            let problem = Problem.from(failure.error, database: failure.database)
            return WebRender.message(titleKey: "case_letter_title", sentence: problem.detail, status: problem.status)
        }
        if download {
            var headers = HTTPFields()
            headers[.contentType] = format == .markdown ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8"
            let name = "\(reference)-\(kind)-\(language?.rawValue ?? "letter").\(format == .markdown ? "md" : "html")"
            headers[.contentDisposition] = "attachment; filename=\"\(name)\""
            headers[.cacheControl] = "no-store"
            var response = Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
            WebHeaders.apply(&response)
            return response
        }
        let body = text.range(of: "<body>").flatMap { open in
            text.range(of: "</body>", range: open.upperBound..<text.endIndex).map { String(text[open.upperBound..<$0.lowerBound]) }
        } ?? ""
        let lang = language?.rawValue ?? (text.range(of: "<html lang=\"").map { String(text[$0.upperBound...].prefix(2)) } ?? "nn")
        return WebRender.page("case_letter", title: "\(reference) – \(t("case_letter_title"))", [
            "reference": reference.description, "letter": body, "letter_lang": lang,
            "letters": CasePage.letterLinks(reference.description, kind: kind, notice: notice),
        ])
    }

    /// The API's letter switch (TilskotAPI.applicationLetter): the same sources and renderings.
    static func render(kind: String, reference: ApplicationReference, notice: Int64?, format: LetterFormat,
                       language: LetterLanguage?, session: Session) throws -> String {
        switch kind {
        case "decision":
            let letter = try DecisionLetterSource.letter(for: reference, session: session)
            return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
        case "advance-notice":
            let letter = try AppealLetterSource.advanceNotice(notice, reference: reference, session: session)
            return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
        default:
            let step: AppealStepLetter.Kind = kind == "appeal-dismissal" ? .dismissal : kind == "forwarding" ? .forwarding : .bodyUpheld
            let letter = try AppealLetterSource.step(step, reference: reference, session: session)
            return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
        }
    }
}
