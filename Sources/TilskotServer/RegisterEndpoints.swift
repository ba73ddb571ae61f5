import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// Participants, correcting an organisation, the installation's settings and resuming reference
/// numbers after a restore (issue 19, I19-R2). Each handler calls the service of its CLI command
/// (`participant add | update | list`, `org update`, `installation show | set`,
/// `db resume-numbering`); who may, and every rule's sentence, is the database's. Participant data
/// is special-category (GDPR art. 9): the database checks need to know and logs every read, so even
/// the GET runs in a transaction that may write.
extension TilskotAPI {
    // MARK: - Participants

    static func participantCode(_ text: String) throws -> ParticipantCode {
        try parse { () throws(ValidationError) in try ParticipantCode(text) }
    }

    static func participantGender(_ text: String?) throws -> ParticipantGender? {
        try text.map { value in try parse { () throws(ValidationError) in try ParticipantGender.read(value) } }
    }

    static func participantOutcome(_ raw: String?) throws -> ParticipantOutcome? {
        try raw.map { value in try vocabulary(value, as: ParticipantOutcome.self) }
    }

    func listParticipants(_ input: Operations.ListParticipants.Input) async throws -> Operations.ListParticipants.Output {
        let reference = try Self.reference(input.path.reference)
        let data = try await loggedRead("GET /applications/{reference}/participants") { session in
            Self.jsonRows(ParticipantTables.list(try Participants.list(reference, session: session)))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func listRoundParticipants(_ input: Operations.ListRoundParticipants.Input) async throws -> Operations.ListRoundParticipants.Output {
        let key = try Self.parse { () throws(ValidationError) in
            try RoundKey(scheme: try SchemeCode(input.path.scheme), year: input.path.year)
        }
        let data = try await loggedRead("GET /rounds/{scheme}/{year}/participants") { session in
            Self.jsonRows(ParticipantTables.list(try Participants.list(round: key, session: session)))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func addParticipant(_ input: Operations.AddParticipant.Input) async throws -> Operations.AddParticipant.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.reference(input.path.reference)
        let participant = NewParticipant(
            code: try Self.participantCode(body.code), birthYear: body.birthYear,
            municipality: try Self.parse { () throws(ValidationError) in try MunicipalityNumber(body.municipality) },
            startDate: try Self.date(body.start, field: "start date")!,
            endDate: try Self.date(body.end, field: "end date"),
            outcome: try Self.participantOutcome(body.outcome?.rawValue),
            outcome6Months: try Self.participantOutcome(body.outcome6m?.rawValue),
            outcome12Months: try Self.participantOutcome(body.outcome12m?.rawValue),
            gender: try Self.participantGender(body.gender))
        let result = try await create("POST /applications/{reference}/participants", key: input.headers.idempotencyKey) { session in
            let id = try Participants.add(reference, participant, session: session)
            return Self.jsonObject(ParticipantTables.added(id: id, reference: reference.description, code: participant.code.value))
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func updateParticipant(_ input: Operations.UpdateParticipant.Input) async throws -> Operations.UpdateParticipant.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.reference(input.path.reference)
        let code = try Self.participantCode(input.path.code)
        let end = try Self.date(body.end, field: "end date")
        let outcome = try Self.participantOutcome(body.outcome?.rawValue)
        let outcome6m = try Self.participantOutcome(body.outcome6m?.rawValue)
        let outcome12m = try Self.participantOutcome(body.outcome12m?.rawValue)
        let gender = try Self.participantGender(body.gender)
        // A PATCH sets values, so repeating it changes nothing more: no Idempotency-Key.
        try await loggedRead("PATCH /applications/{reference}/participants/{code}") { session in
            try Participants.update(reference, code: code, endDate: end, outcome: outcome, outcome6Months: outcome6m,
                                    outcome12Months: outcome12m, gender: gender, session: session)
        }
        return .noContent(.init())
    }

    // MARK: - Organisations

    /// Input form only, as `org update --municipality`: four digits go to the database, which says
    /// whether the municipality exists; anything else gets the parser's sentence.
    static func organisationMunicipality(_ text: String) throws -> String {
        let code = text.trimmingCharacters(in: .whitespaces)
        if code.count == 4 && code.allSatisfy({ $0.isASCII && $0.isNumber }) { return code }
        return try parse { () throws(ValidationError) in try MunicipalityNumber(text) }.code
    }

    func updateOrganisation(_ input: Operations.UpdateOrganisation.Input) async throws -> Operations.UpdateOrganisation.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let number = try Self.parse { () throws(ValidationError) in try OrganisationNumber(input.path.orgnr) }
        let change = Organisations.Change(
            name: body.name, address: body.address, municipality: try body.municipality.map(Self.organisationMunicipality),
            preferredLanguage: body.preferredLanguage?.rawValue, contactName: body.contactName,
            contactEmail: body.contactEmail, contactPhone: body.contactPhone)
        guard !change.isEmpty else {
            throw Problem(.unprocessableContent, "give what changes: name, address, municipality, preferred_language, contact_name, contact_email or contact_phone")
        }
        let reason = body.reason
        // Setting the given fields again changes nothing more: no Idempotency-Key.
        let data = try await loggedRead("PATCH /organisations/{orgnr}") { session in
            try Self.organisation(try Organisations.update(number, change, reason: reason, session: session).after)
        }
        return .ok(.init(body: .json(try Self.decode(Components.Schemas.Organisation.self, data))))
    }

    // MARK: - Installation

    static func installation(_ s: Installation.Settings) -> Components.Schemas.InstallationSettings {
        .init(timeZone: s.timeZone, changedBy: s.changedBy, changedAt: s.changedAt)
    }

    func showInstallation(_ input: Operations.ShowInstallation.Input) async throws -> Operations.ShowInstallation.Output {
        let settings = try await read("GET /installation") { session in try Installation.show(session: session) }
        return .ok(.init(body: .json(Self.installation(settings))))
    }

    func setInstallation(_ input: Operations.SetInstallation.Input) async throws -> Operations.SetInstallation.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let zone = body.timeZone
        let settings = try await loggedRead("PUT /installation") { session in try Installation.setTimeZone(zone, session: session) }
        return .ok(.init(body: .json(Self.installation(settings))))
    }

    // MARK: - Numbering

    func resumeNumbering(_ input: Operations.ResumeNumbering.Input) async throws -> Operations.ResumeNumbering.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let (skip, reason) = (body.skip, body.reason)
        let result = try await create("POST /numbering/resumptions", key: input.headers.idempotencyKey) { session in
            let rounds = try Numbering.resume(skip: skip, reason: reason, session: session)
            return try Self.object(["rounds": rounds, "skip": skip])
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.NumberingResumed.self, result.body))))
    }
}
