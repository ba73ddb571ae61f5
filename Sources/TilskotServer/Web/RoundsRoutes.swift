import Foundation
import HTTPTypes
import Hummingbird

/// The rounds, reports and finance pages' routes (issue 20), under the /web group (its session,
/// CSRF and header middleware, WebMiddleware). Each handler is in RoundsPage, ReportsPage, FinancePage.
enum MoneyPageRoutes {
    static func register<Context: RequestContext>(on web: RouterGroup<Context>, pool: DatabasePool) {
        web.get("rounds") { _, _ -> Response in try await RoundsPage.list(pool: pool) }
        web.get("rounds/{scheme}/{year}") { _, context -> Response in
            try await RoundsPage.show(pool: pool, scheme: try context.parameters.require("scheme"), year: try context.parameters.require("year"))
        }
        web.get("reports") { request, _ -> Response in try await ReportsPage.page(pool: pool, query: request.uri.query ?? "") }
        web.get("reports/{file}") { request, context -> Response in
            try await ReportsPage.file(pool: pool, file: try context.parameters.require("file"), query: request.uri.query ?? "")
        }
        web.get("finance") { request, _ -> Response in try await FinancePage.page(pool: pool, query: request.uri.query ?? "") }
        web.get("finance/run.csv") { request, _ -> Response in try await FinancePage.runFile(pool: pool, query: request.uri.query ?? "") }
        web.post("finance/attest") { _, _ -> Response in try await FinancePage.attest(pool: pool, body: RequestInfo.current?.body ?? []) }
    }
}
