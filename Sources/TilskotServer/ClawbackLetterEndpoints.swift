import Foundation
import OpenAPIRuntime
import TilskotCore
import TilskotReports
import TilskotStore

/// A claw-back's letters and the organisation's letter language (issue 19, I19-R4): the services of
/// `clawback letter` (ClawBackLetterSource, ClawBackCancellationLetter) and `org set-language`
/// (Organisations.setLanguage). Whether there is a decision to write, and which languages there are,
/// is the database's and the letter source's to say.
extension TilskotAPI {
    // MARK: - Claw-back letters

    func clawbackLetter(_ input: Operations.ClawbackLetter.Input) async throws -> Operations.ClawbackLetter.Output {
        let id = input.path.id
        let kind = input.query.kind?.rawValue ?? "decision"
        let language = input.query.lang.flatMap { LetterLanguage(rawValue: $0.rawValue) }
        // Markdown only when the client prefers it to HTML; HTML otherwise (as applicationLetter).
        let markdown = input.headers.accept.sortedByQuality().first?.contentType == .textMarkdown
        let format: LetterFormat = markdown ? .markdown : .html
        let text = try await read("GET /clawbacks/{id}/letter") { session -> String in
            switch kind {
            case "cancellation":
                let letter = try ClawBackCancellationLetter.load(id, session: session)
                return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
            case "advance-notice":
                let letter = try ClawBackLetterSource.advanceNotice(for: id, session: session)
                return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
            default:
                let letter = try ClawBackLetterSource.letter(for: id, session: session)
                return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
            }
        }
        return markdown ? .ok(.init(body: .textMarkdown(HTTPBody(text)))) : .ok(.init(body: .html(HTTPBody(text))))
    }

    // MARK: - The organisation's letter language

    /// PUT sets a language, DELETE sets it back to the default (no preferred language: letters in
    /// nn unless the letter is asked for in another). A PATCH cannot clear it: it leaves what is not
    /// given, and a JSON null and an absent key read the same. Setting the same again changes
    /// nothing more: no Idempotency-Key.
    func setOrganisationLanguage(_ input: Operations.SetOrganisationLanguage.Input) async throws -> Operations.SetOrganisationLanguage.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let number = try Self.parse { () throws(ValidationError) in try OrganisationNumber(input.path.orgnr) }
        let language = body.language.trimmingCharacters(in: .whitespaces).lowercased()
        let data = try await loggedRead("PUT /organisations/{orgnr}/language") { session in
            try Self.organisation(try Organisations.setLanguage(number, to: language, session: session))
        }
        return .ok(.init(body: .json(try Self.decode(Components.Schemas.Organisation.self, data))))
    }

    func clearOrganisationLanguage(_ input: Operations.ClearOrganisationLanguage.Input) async throws -> Operations.ClearOrganisationLanguage.Output {
        let number = try Self.parse { () throws(ValidationError) in try OrganisationNumber(input.path.orgnr) }
        let data = try await loggedRead("DELETE /organisations/{orgnr}/language") { session in
            try Self.organisation(try Organisations.setLanguage(number, to: nil, session: session))
        }
        return .ok(.init(body: .json(try Self.decode(Components.Schemas.Organisation.self, data))))
    }
}
