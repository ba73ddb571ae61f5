import Foundation
import TilskotCore
import TilskotStore

/// What letters read and administrators or managers set (issue 19, I19-R4-B): the issuer, the
/// details letters give of a user, the notice channels' presumed days, and a scheme's regulations
/// and appeal bodies. Each handler calls the service of its CLI command (`issuer set | show`,
/// `user set | show`, `notice channels | channel`, `scheme regulation add`, `scheme appeal-body`,
/// `scheme show`); who may, and what a valid value is, is the database's (SQL/schema/16_notice.sql,
/// 17_letters.sql), and its sentence is the problem's detail. The JSON keys are the CLI's
/// `--format json` keys.
extension TilskotAPI {
    // MARK: - Issuer

    static func issuer(_ i: IssuerSettings) -> Components.Schemas.IssuerSettings {
        .init(nameNn: i.nameNN, nameNb: i.nameNB, nameEn: i.nameEN, orgnr: i.organisationNumber, postalAddress: i.postalAddress,
              email: i.email, website: i.website, phone: i.phone, digitalChannel: i.digitalChannel,
              repaymentAccount: i.repaymentAccount, changedBy: i.changedBy)
    }

    func showIssuer(_ input: Operations.ShowIssuer.Input) async throws -> Operations.ShowIssuer.Output {
        guard let settings = try await read("GET /issuer", { session in try Issuer.show(session: session) }) else {
            throw Problem(.notFound, Issuer.missing)
        }
        return .ok(.init(body: .json(Self.issuer(settings))))
    }

    func setIssuer(_ input: Operations.SetIssuer.Input) async throws -> Operations.SetIssuer.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        // Input form only, as `issuer set`: the numbers may be written with spaces and dots.
        func digits(_ text: String?) -> String? { text.map { $0.filter { $0 != " " && $0 != "." } } }
        let change = Issuer.Change(
            nameNN: body.nameNn, nameNB: body.nameNb, nameEN: body.nameEn, organisationNumber: digits(body.orgnr),
            postalAddress: body.postalAddress, email: body.email, website: body.website, phone: body.phone,
            digitalChannel: body.digitalChannel, repaymentAccount: digits(body.repaymentAccount))
        // Setting the given fields again changes nothing more: no Idempotency-Key.
        let settings = try await loggedRead("PUT /issuer") { session in try Issuer.set(change, session: session) }
        return .ok(.init(body: .json(Self.issuer(settings))))
    }

    // MARK: - What letters give of a user

    static func staff(_ d: StaffDetails) -> Components.Schemas.StaffDetails {
        .init(user: d.login, name: d.fullName, title: d.title, email: d.email, phone: d.phone)
    }

    func showUserDetails(_ input: Operations.ShowUserDetails.Input) async throws -> Operations.ShowUserDetails.Output {
        let login = input.path.login
        guard let details = try await read("GET /users/{login}", { session in try Users.details(login, session: session) }) else {
            throw Problem(.notFound, "no details are recorded for \(login); an administrator adds them with PATCH /users/\(login) (name, title) or `tilskot user set \(login) --name … --title …`")
        }
        return .ok(.init(body: .json(Self.staff(details))))
    }

    func setUserDetails(_ input: Operations.SetUserDetails.Input) async throws -> Operations.SetUserDetails.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let login = input.path.login
        guard body.name != nil || body.title != nil || body.email != nil || body.phone != nil else {
            throw Problem(.unprocessableContent, "give what changes: at least one of name, title, email, phone")
        }
        // Setting the given fields again changes nothing more: no Idempotency-Key.
        let details = try await loggedRead("PATCH /users/{login}") { session in
            try Users.setDetails(login, fullName: body.name, title: body.title, email: body.email, phone: body.phone, session: session)
        }
        return .ok(.init(body: .json(Self.staff(details))))
    }

    // MARK: - Notice channels

    static func noticeChannel(_ c: NoticeChannel) -> Components.Schemas.NoticeChannel {
        .init(channel: c.channel, presumedDays: c.presumedDays)
    }

    func listNoticeChannels(_ input: Operations.ListNoticeChannels.Input) async throws -> Operations.ListNoticeChannels.Output {
        let channels = try await read("GET /notice-channels") { session in try Notices.channels(session: session) }
        return .ok(.init(body: .json(channels.map(Self.noticeChannel))))
    }

    func setNoticeChannel(_ input: Operations.SetNoticeChannel.Input) async throws -> Operations.SetNoticeChannel.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        // The channel as typed, lower-cased (as `notice channel`); whether it is one, and whether the
        // days are, is the database's to say.
        let channel = input.path.channel.trimmingCharacters(in: .whitespaces).lowercased()
        guard let days = Int32(exactly: body.presumedDays) else {
            throw Problem(.unprocessableContent, "presumed_days \(body.presumedDays) is not a number of days; give the days from sending to the presumed day of receipt (0–14)")
        }
        let record = try await loggedRead("PUT /notice-channels/{channel}") { session in
            try Notices.setPresumedDays(channel, days: Int(days), session: session)
        }
        return .ok(.init(body: .json(Self.noticeChannel(record))))
    }

    // MARK: - Regulations and appeal bodies of a scheme

    static func schemeCode(_ text: String) throws -> SchemeCode {
        try parse { () throws(ValidationError) in try SchemeCode(text) }
    }

    static func regulation(_ r: SchemeRegulation) -> Components.Schemas.SchemeRegulation {
        .init(title: r.title, adopted: r.adopted.description, inForceFrom: r.inForceFrom.description, url: r.url)
    }

    static func appealBody(_ b: SchemeAppealBody) -> Components.Schemas.SchemeAppealBody {
        .init(from: b.from.description, nameNn: b.nameNN, nameNb: b.nameNB, nameEn: b.nameEN)
    }

    func listSchemeRegulations(_ input: Operations.ListSchemeRegulations.Input) async throws -> Operations.ListSchemeRegulations.Output {
        let code = try Self.schemeCode(input.path.code)
        let regulations = try await read("GET /schemes/{code}/regulations") { session in
            try Schemes.show(code, session: session).regulations
        }
        return .ok(.init(body: .json(regulations.map(Self.regulation))))
    }

    func addSchemeRegulation(_ input: Operations.AddSchemeRegulation.Input) async throws -> Operations.AddSchemeRegulation.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let code = try Self.schemeCode(input.path.code)
        let adopted = try Self.date(body.adopted, field: "adopted")!
        let inForceFrom = try Self.date(body.inForceFrom, field: "in force from")!
        let (title, url) = (body.title, body.url)
        let result = try await create("POST /schemes/{code}/regulations", key: input.headers.idempotencyKey) { session in
            let regulation = try Schemes.addRegulation(code, title: title, adopted: adopted, inForceFrom: inForceFrom, url: url,
                                                       session: session)
            return try Self.json(Self.regulation(regulation))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.SchemeRegulation.self, result.body))))
    }

    func listSchemeAppealBodies(_ input: Operations.ListSchemeAppealBodies.Input) async throws -> Operations.ListSchemeAppealBodies.Output {
        let code = try Self.schemeCode(input.path.code)
        let bodies = try await read("GET /schemes/{code}/appeal-bodies") { session in
            try Schemes.show(code, session: session).appealBodies
        }
        return .ok(.init(body: .json(bodies.map(Self.appealBody))))
    }

    func addSchemeAppealBody(_ input: Operations.AddSchemeAppealBody.Input) async throws -> Operations.AddSchemeAppealBody.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let code = try Self.schemeCode(input.path.code)
        let from = try Self.date(body.from, field: "from")!
        let (nn, nb, en) = (body.nameNn, body.nameNb, body.nameEn)
        let result = try await create("POST /schemes/{code}/appeal-bodies", key: input.headers.idempotencyKey) { session in
            let appealBody = try Schemes.addAppealBody(code, from: from, nn: nn, nb: nb, en: en, session: session)
            return try Self.json(Self.appealBody(appealBody))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.SchemeAppealBody.self, result.body))))
    }
}
