import Foundation
import Synchronization
import HTTPTypes
import Hummingbird
import Mustache
import TilskotCore
import TilskotReports

/// The web pages' files: templates (Web/templates/*.mustache) and static files (Web/static/*),
/// embedded into the binary at build time (Plugins/EmbedFiles). The one place that reads them.
enum WebFiles {
    static func template(_ name: String) -> String? { EmbeddedFiles.text("templates/\(name).mustache") }
    static func staticFile(_ name: String) -> Data? { EmbeddedFiles.data("static/\(name)") }

    /// The Mustache library of every embedded template, parsed once; a template that does not
    /// parse stops the server at its first page (a build error in all but name).
    ///
    /// Every template is parsed with tilskot's HTML escaping (`ScalarHTML`) in force from its first
    /// byte: swift-mustache's own escapes Characters, so `"` followed by a combining mark (U+0301)
    /// is one Character it does not replace, and a search term could close an attribute.
    static let library: MustacheLibrary = {
        MustacheContentTypes.register(ScalarHTML(), named: ScalarHTML.name)
        var library = MustacheLibrary()
        for name in EmbeddedFiles.names where name.hasPrefix("templates/") && name.hasSuffix(".mustache") {
            let short = String(name.dropFirst("templates/".count).dropLast(".mustache".count))
            guard let text = EmbeddedFiles.text(name) else { continue }
            do {
                // A partial starts with swift-mustache's default again, so each template sets it.
                try library.register("{{% CONTENT_TYPE: \(ScalarHTML.name) }}" + text, named: short)
            } catch {
                fatalError("Web/templates/\(short).mustache does not parse: \(error)")
            }
        }
        return library
    }()
}

/// The escaping of every `{{value}}` on the web pages: TilskotReports' HTML.escape, which works
/// on Unicode scalars (see TextEscaping.swift for why).
struct ScalarHTML: MustacheContentType {
    static let name = "TILSKOT_HTML"
    func escapeText(_ text: String) -> String { HTML.escape(text) }
}

/// What every page's layout needs: the language, who is logged in, the CSRF token of the session
/// (or of the log-in page's pre-session), and the path the language form returns to.
struct WebPageContext: Sendable {
    var language: WebLanguage
    var login: String?
    var csrf: String
    var path: String
    /// The installation's time zone, set by the request's read (DatabasePool.request) from the pool's
    /// cached copy; the page's times are shown in it (WebTime).
    var timeZone = WebTimeZone()

    @TaskLocal static var current: WebPageContext?
}

/// The installation's time zone for one page: DatabasePool.request sets it (on the connection's
/// queue), the page's rendering reads it afterwards.
final class WebTimeZone: Sendable {
    private let zone = Mutex<TimeZone>(TimeZone(identifier: "Europe/Oslo")!)

    func set(_ identifier: String) {
        if let zone = TimeZone(identifier: identifier) { self.zone.withLock { $0 = zone } }
    }

    var value: TimeZone { zone.withLock { $0 } }
}

/// Times on the pages: the wall clock in the installation's time zone (`tilskot installation`).
enum WebTime {
    static var zone: TimeZone { WebPageContext.current?.timeZone.value ?? TimeZone(identifier: "Europe/Oslo")! }

    /// "2021-03-01 13:00" in the installation's zone.
    static func minute(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// "2021-03-01": the day in the installation's zone.
    static func day(_ date: Date) -> String { String(minute(date).prefix(10)) }

    /// Today in the installation's zone (a case's age on My work and Search).
    static var today: CalendarDate { (try? CalendarDate(day(Date()), field: "today")) ?? CalendarDate.today() }
}

/// Renders a page: the page's template into the layout, with the chosen language's strings as
/// `t` and the security headers of every page (WebHeaders).
enum WebRender {
    static func page(_ template: String, title: String, _ values: [String: Any], status: HTTPResponse.Status = .ok,
                     headers extra: [(HTTPField.Name, String)] = []) -> Response {
        let page = WebPageContext.current ?? WebPageContext(language: .nn, login: nil, csrf: "", path: "/web/work")
        let strings = WebText.strings(page.language)
        var context: [String: Any] = values
        context["t"] = strings
        context["csrf"] = page.csrf
        context["lang"] = page.language.rawValue
        let body = WebFiles.library.render(context, withTemplate: template) ?? ""
        var layout: [String: Any] = [
            "t": strings, "lang": page.language.rawValue, "title": title, "body": body, "csrf": page.csrf,
            "back": page.path,
            "languages": WebLanguage.allCases.map { ["code": $0.rawValue, "name": $0.ownName, "selected": $0 == page.language] },
        ]
        if let login = page.login { layout["user"] = ["login": login] }
        let html = WebFiles.library.render(layout, withTemplate: "layout") ?? body
        var fields = HTTPFields()
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        for (name, value) in extra { fields.append(HTTPField(name: name, value: value)) }
        var response = Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
        WebHeaders.apply(&response)
        return response
    }

    /// A page with one sentence: a refusal (403), a missing page (404), an error.
    static func message(titleKey: String, sentence: String, status: HTTPResponse.Status) -> Response {
        let language = WebPageContext.current?.language ?? .nn
        let title = WebText.string(titleKey, language)
        return page("message", title: title, ["heading": title, "sentence": sentence], status: status)
    }

    static func redirect(_ location: String, headers extra: [(HTTPField.Name, String)] = []) -> Response {
        var fields = HTTPFields()
        fields[.location] = location
        for (name, value) in extra { fields.append(HTTPField(name: name, value: value)) }
        var response = Response(status: .seeOther, headers: fields)
        WebHeaders.apply(&response)
        return response
    }
}

/// The headers of every page and static file: a Content-Security-Policy that allows nothing inline
/// and no framing, no MIME sniffing, referrers only to this server.
enum WebHeaders {
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

    static func apply(_ response: inout Response) {
        // A document that sets a policy of its own keeps it (the printable equality section's, which
        // allows its one inline style sheet by hash: ReportsPage.documentPolicy).
        if response.headers[HTTPField.Name("Content-Security-Policy")!] == nil {
            response.headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        }
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    }
}
