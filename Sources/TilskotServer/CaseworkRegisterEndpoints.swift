import Foundation
import TilskotCore
import TilskotStore

// Schemes, rounds and organisations: the registers casework starts from. Each handler calls the
// CLI command's service (`scheme`, `round`, `org`); every rule and its sentence is the database's.

extension TilskotAPI {
    static func vocabulary<V: FixedVocabulary>(_ text: String, as type: V.Type) throws -> V {
        try parse { () throws(ValidationError) in try V.parse(text) }
    }

    static func scheme(_ s: Scheme) throws -> Data {
        try object([
            "code": s.code, "name": s.name, "goal": s.goal ?? NSNull(), "target_group": s.targetGroup ?? NSNull(),
            "applicant_kinds": s.applicantKinds.map(\.rawValue), "reference_prefix": s.referencePrefix,
            "report_account_threshold_ore": s.reportAccountThreshold.ore, "created_by": s.createdBy,
        ])
    }

    static func organisation(_ o: Organisation) throws -> Data {
        func null(_ value: Any?) -> Any { value ?? NSNull() }
        return try object([
            "orgnr": o.number, "name": o.name, "kind": o.kind.rawValue, "municipality": null(o.municipality),
            "member_based": o.memberBased, "external_board": o.externalBoard, "preferred_language": null(o.preferredLanguage),
            "address": null(o.address), "contact_name": null(o.contactName), "contact_email": null(o.contactEmail),
            "contact_phone": null(o.contactPhone), "created_by": o.createdBy,
        ])
    }

    // MARK: - Schemes

    func listSchemes(_ input: Operations.ListSchemes.Input) async throws -> Operations.ListSchemes.Output {
        let data = try await read("GET /schemes") { session in try Schemes.list(session: session).map(Self.scheme) }
        return .ok(.init(body: .json(try data.map { try Self.decode(Components.Schemas.Scheme.self, $0) })))
    }

    func showScheme(_ input: Operations.ShowScheme.Input) async throws -> Operations.ShowScheme.Output {
        let code = try Self.parse { () throws(ValidationError) in try SchemeCode(input.path.code) }
        let data = try await read("GET /schemes/{code}") { session -> Data? in try Schemes.find(code, session: session).map(Self.scheme) }
        guard let data else { throw Problem(.notFound, "there is no scheme \(code)") }
        return .ok(.init(body: .json(try Self.decode(Components.Schemas.Scheme.self, data))))
    }

    func createScheme(_ input: Operations.CreateScheme.Input) async throws -> Operations.CreateScheme.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let code = try Self.parse { () throws(ValidationError) in try SchemeCode(body.code) }
        let kinds = try body.applicantKinds.map { try Self.vocabulary($0, as: ApplicantKind.self) }
        let new = Schemes.NewScheme(code: code, name: body.name, goal: body.goal, targetGroup: body.targetGroup, applicantKinds: kinds,
                                    referencePrefix: body.referencePrefix, reportAccountThreshold: body.reportAccountThresholdOre.map { Money(ore: $0) })
        let result = try await create("POST /schemes", key: input.headers.idempotencyKey) { session in
            try Self.scheme(try Schemes.create(new, session: session))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.Scheme.self, result.body))))
    }

    // MARK: - Rounds

    func listRounds(_ input: Operations.ListRounds.Input) async throws -> Operations.ListRounds.Output {
        let rounds = try await read("GET /rounds") { session in try Rounds.list(session: session) }
        return .ok(.init(body: .json(rounds.map(Encoding.round))))
    }

    func openRound(_ input: Operations.OpenRound.Input) async throws -> Operations.OpenRound.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let key = try Self.parse { () throws(ValidationError) in try RoundKey(body.round) }
        guard let opens = try Self.caseDate(body.opens, field: "opens"), let closes = try Self.caseDate(body.closes, field: "closes") else {
            throw Problem(.unprocessableContent, "opens and closes are required")
        }
        let result = try await create("POST /rounds", key: input.headers.idempotencyKey) { session in
            try Self.json(Encoding.round(try Rounds.open(key, frame: Money(ore: body.frameOre), opens: opens, closes: closes, session: session)))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.Round.self, result.body))))
    }

    func adjustRoundFrame(_ input: Operations.AdjustRoundFrame.Input) async throws -> Operations.AdjustRoundFrame.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let key = try Self.parse { () throws(ValidationError) in try RoundKey(scheme: try SchemeCode(input.path.scheme), year: input.path.year) }
        let kind = FrameAdjustmentKind(rawValue: body.kind?.rawValue ?? "budget") ?? .budget
        let decided = try Self.caseDate(body.date, field: "date")
        let result = try await create("POST /rounds/{scheme}/{year}/adjustments", key: input.headers.idempotencyKey) { session in
            try Self.json(Encoding.round(try Rounds.adjust(key, amount: Money(ore: body.amountOre), reason: body.reason, kind: kind,
                                                           decided: decided, corrects: body.corrects, session: session)))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.Round.self, result.body))))
    }

    // MARK: - Organisations

    func listOrganisations(_ input: Operations.ListOrganisations.Input) async throws -> Operations.ListOrganisations.Output {
        let kind = try input.query.kind.map { try Self.vocabulary($0, as: ApplicantKind.self) }
        let municipality = try input.query.municipality.map { text in try Self.parse { () throws(ValidationError) in try MunicipalityNumber(text) } }
        let limit = input.query.limit
        let data = try await read("GET /organisations") { session in
            try Organisations.list(kind: kind, municipality: municipality, limit: limit, session: session).map(Self.organisation)
        }
        return .ok(.init(body: .json(try data.map { try Self.decode(Components.Schemas.Organisation.self, $0) })))
    }

    func showOrganisation(_ input: Operations.ShowOrganisation.Input) async throws -> Operations.ShowOrganisation.Output {
        let number = try Self.parse { () throws(ValidationError) in try OrganisationNumber(input.path.orgnr) }
        let data = try await read("GET /organisations/{orgnr}") { session in try Self.organisation(try Organisations.show(number, session: session)) }
        return .ok(.init(body: .json(try Self.decode(Components.Schemas.Organisation.self, data))))
    }

    func addOrganisation(_ input: Operations.AddOrganisation.Input) async throws -> Operations.AddOrganisation.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let number = try Self.parse { () throws(ValidationError) in try OrganisationNumber(body.orgnr) }
        let kind = try Self.vocabulary(body.kind, as: ApplicantKind.self)
        let municipality = try body.municipality.map { text in try Self.parse { () throws(ValidationError) in try MunicipalityNumber(text) } }
        let new = Organisations.NewOrganisation(number: number, name: body.name, kind: kind, municipality: municipality,
                                                memberBased: body.memberBased ?? false, externalBoard: body.externalBoard ?? false,
                                                preferredLanguage: body.preferredLanguage?.rawValue)
        let result = try await create("POST /organisations", key: input.headers.idempotencyKey) { session in
            try Self.organisation(try Organisations.add(new, session: session))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.Organisation.self, result.body))))
    }
}
