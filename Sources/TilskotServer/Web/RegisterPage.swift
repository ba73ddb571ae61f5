import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotStore

/// Register an application: GET/POST /web/applications/new — the service of `application register`
/// (Applications.register) with round, organisation number, title, amount, received date and
/// external reference. The form reads the input's form (a round key, an organisation number, an
/// amount, a date); everything else is the database's, whose sentence shows beside the form with
/// what was typed kept. Registered, the browser goes to the case's page (303); the same external
/// reference again goes to the case it already names.
enum RegisterPage {
    static func register<Context: RequestContext>(on web: RouterGroup<Context>, pool: DatabasePool) {
        web.get("applications/new") { _, _ -> Response in
            page(typed: ["received": WebTime.today.description], error: nil, status: .ok)
        }
        web.post("applications/new") { _, _ -> Response in
            try await submit(pool: pool, form: WebForm(body: RequestInfo.current?.body ?? []), problem: RequestMiddleware<Context>.problem)
        }
    }

    static func page(typed: [String: String], error: String?, status: HTTPResponse.Status) -> Response {
        let language = WebPageContext.current?.language ?? .nn
        var values: [String: Any] = ["v": typed]
        if let error { values["error"] = error }
        return WebRender.page("register", title: WebText.string("register_title", language), values, status: status)
    }

    static func submit(pool: DatabasePool, form: WebForm, problem: (any Error) -> Problem) async throws -> Response {
        var typed = form.fields
        typed["csrf"] = nil
        let new: Applications.NewApplication
        do throws(ValidationError) {
            let language = WebPageContext.current?.language ?? .nn
            guard let round = form["round"], let orgnr = form["orgnr"], let amount = form["amount"] else {
                throw ValidationError(field: "form", message: WebText.string("register_missing", language))
            }
            new = Applications.NewApplication(
                round: try RoundKey(round), organisation: try OrganisationNumber(orgnr), title: form.fields["title"] ?? "",
                amount: try Money.parse(amount, field: "amount applied for"),
                received: try form["received"].map { text throws(ValidationError) in try CalendarDate(text, field: "received date") },
                externalRef: form["external_ref"])
        } catch {
            return page(typed: typed, error: error.message, status: .unprocessableContent)
        }
        guard let identity = RequestInfo.current?.identity else { throw Problem.unauthorized("no session") }
        let registration: Applications.Registration
        do {
            registration = try await pool.request(.init(identity: identity, readOnly: false,
                                                        applicationName: "tilskot serve POST /web/applications/new")) { session in
                try Applications.register(new, session: session)
            }
        } catch {
            let refused = problem(error)
            if refused.status.code >= 500 || refused.status == .unauthorized { throw error }
            return page(typed: typed, error: refused.detail, status: refused.status == .notFound ? .unprocessableContent : refused.status)
        }
        return WebRender.redirect("/web/cases/\(registration.reference)")
    }
}
