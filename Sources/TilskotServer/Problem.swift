import Foundation
import HTTPTypes
import PGClient
import TilskotStore

/// A refusal as an RFC 9457 problem document: `detail` is the sentence the CLI prints for the same
/// refusal, `sqlstate` the database's code where the database refused, `request_id` the request's id.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var detail: String
    public var sqlstate: String?
    /// Extra response headers (WWW-Authenticate, Retry-After).
    public var headers: [(String, String)] = []

    public init(_ status: HTTPResponse.Status, _ detail: String, sqlstate: String? = nil, headers: [(String, String)] = []) {
        self.status = status
        self.detail = detail
        self.sqlstate = sqlstate
        self.headers = headers
    }

    public static func == (a: Problem, b: Problem) -> Bool {
        a.status == b.status && a.detail == b.detail && a.sqlstate == b.sqlstate
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, detail, headers: [("WWW-Authenticate", "Bearer")])
    }

    static func poolTimeout() -> Problem {
        Problem(.serviceUnavailable, "the server is busy: no database connection came free in time; nothing was done — try again in a moment",
                headers: [("Retry-After", "1")])
    }

    /// The HTTP status a database refusal means (PostgREST's table, with tilskot's own codes by meaning).
    static func status(sqlstate: String, detail: String?) -> HTTPResponse.Status {
        switch sqlstate {
        case "42501": return .forbidden
        case "23T01", "23T02", "23T06", "40001", "40P01": return .conflict
        case "23T71": return detail == "running" ? .conflict : .unprocessableContent
        case "55P03", "57014": return .serviceUnavailable
        default: break
        }
        if sqlstate.hasPrefix("42T") { return .forbidden }
        if sqlstate.hasPrefix("23") || sqlstate.hasPrefix("22") { return .unprocessableContent }
        if sqlstate.hasPrefix("08") || sqlstate.hasPrefix("53") || sqlstate.hasPrefix("57") || sqlstate.hasPrefix("58") {
            return .serviceUnavailable
        }
        if sqlstate.hasPrefix("P0") { return .unprocessableContent }
        return .internalServerError
    }

    /// A database error as a problem, with the CLI's sentence for it.
    static func from(_ error: PGError) -> Problem {
        let sentence = error.isTilskotRule ? error.message : TilskotError.from(error).description
        return Problem(status(sqlstate: error.sqlState, detail: error.detail), sentence, sqlstate: error.sqlState)
    }

    /// A service's refusal as a problem: the SQLSTATE of the database error behind it when there is
    /// one (Session.lastDatabaseError), else by what kind of refusal it is.
    static func from(_ error: TilskotError, database: PGError?) -> Problem {
        if case .refused(let sentence) = error, let database,
           sentence == database.message || sentence.contains(TilskotError.oneLineText(database.message)) {
            return Problem(status(sqlstate: database.sqlState, detail: database.detail), sentence, sqlstate: database.sqlState)
        }
        switch error {
        case .refused(let sentence):
            return Problem(isNotFound(sentence) ? .notFound : .unprocessableContent, sentence)
        case .usage(let sentence):
            return Problem(.badRequest, sentence)
        case .unreachable, .authentication, .serverResources:
            return Problem(.serviceUnavailable, "the database cannot be reached or is out of resources; nothing was done — try again in a moment",
                           headers: [("Retry-After", "1")])
        case .schemaMismatch(let sentence):
            return Problem(.serviceUnavailable, sentence)
        }
    }

    /// The lookups' sentences for a key that names nothing (Lookup.swift): 404.
    static func isNotFound(_ sentence: String) -> Bool {
        sentence.hasPrefix("there is no ") || sentence.contains(": there is no ") || sentence.contains(" does not exist;")
            || sentence.contains(" is not registered;")
    }

    /// The JSON body.
    func body(requestID: String) -> [UInt8] {
        var object: [String: Any] = [
            "type": "about:blank",
            "title": status.reasonPhrase,
            "status": status.code,
            "detail": detail,
            "request_id": requestID,
        ]
        if let sqlstate { object["sqlstate"] = sqlstate }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return [UInt8](data)
    }
}

extension TilskotError {
    /// libpq's message as one line (what TilskotError.from shows).
    static func oneLineText(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
