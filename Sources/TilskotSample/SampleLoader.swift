import Foundation
import PGClient
import TilskotCore
import TilskotStore

/// Loads the sample data (`tilskot sample load`): the four schemes of the 2021 equality report with
/// their 2020–2022 rounds and applications, through the same service layer as the CLI, so every rule
/// of the lifecycle applies (frames, four-eyes, state machine, appeal deadlines, reasons).
///
/// The people are the demo's: caseworkers kari and ola register, take and assess applications; the
/// manager mona decides them; the manager ida registers appeals (mona decides them: four-eyes).
/// Loading is idempotent and one transaction, the users it makes included: a
/// scheme, round or organisation that exists is kept, an application whose external reference is
/// registered is skipped (Scripts/demo.d/20-jobbsjansen-2021 registers Jobbsjansen 2021 with the same
/// references and amounts), and a refusal anywhere leaves the database as it was.
public enum SampleLoader {
    public static let caseworkers: [(user: String, name: String)] = [("kari", "Kari Nordmann"), ("ola", "Ola Nordmann")]
    public static let manager = (user: "mona", name: "Mona Hansen")
    /// The sample's administrator: sets the issuer and the staff details letters need (the
    /// deployer's login, which runs the load, is no tilskot user and may not; issue 17).
    public static let administrator = (user: "ada", name: "Ada Admin")
    /// The manager who registers the sample's appeals: the one who decides an appeal must not be the
    /// one who registered it (SQL/schema/08_appeals_withdrawals_moves.sql), so mona decides them and ida registers them.
    public static let appealRegistrar = (user: "ida", name: "Ida Berg")
    /// The audit reason of every step of the load that gives none of its own.
    static let reason = "sample data (tilskot sample load)"

    /// What one round got from the loader.
    public struct RoundOutcome: Sendable, Equatable {
        public var round: String
        public var opened: Bool
        public var registered: Int
        public var alreadyThere: Int
    }

    public struct Outcome: Sendable, Equatable {
        public var schemesCreated: Int
        public var organisationsCreated: Int
        public var rounds: [RoundOutcome]
        public var registered: Int { rounds.map(\.registered).reduce(0, +) }
        public var alreadyThere: Int { rounds.map(\.alreadyThere).reduce(0, +) }
    }

    /// Loads the sample with `session`, whose login must be allowed to add users (the deployer —
    /// the local database's login — or an administrator; tilskot.user_add decides). The session acts as the sample's people while
    /// loading and as its own login afterwards.
    public static func load(session: Session) throws(TilskotError) -> Outcome {
        defer { _ = try? session.connection.executeScript("RESET ROLE") }
        return try session.transaction(reason: reason) {
            // The people too are made in the load's one transaction (CREATE ROLE is transactional),
            // so a load refused half-way leaves no users behind (issue 17). A `user add` of the same
            // name committed meanwhile by someone else makes this load fail as a whole; run it again.
            try ensureUser(administrator.user, .admin, administrator.name, session)
            try ensureUser(manager.user, .manager, manager.name, session)
            try ensureUser(appealRegistrar.user, .manager, appealRegistrar.name, session)
            for person in caseworkers { try ensureUser(person.user, .caseworker, person.name, session) }
            var outcome = Outcome(schemesCreated: 0, organisationsCreated: 0, rounds: [])
            let c = session.connection
            try session.act(as: manager.user)
            for spec in SampleSchemes.all where try c.queryRow("SELECT 1 FROM tilskot.scheme WHERE code = $1", [spec.code]) == nil {
                _ = try Schemes.create(.init(code: try SchemeCode(spec.code), name: spec.name, goal: spec.goal,
                                             targetGroup: spec.targetGroup, applicantKinds: spec.applicantKinds,
                                             referencePrefix: spec.prefix), session: session)
                outcome.schemesCreated += 1
            }
            // What letters need: the issuer, the people's names, the schemes' regulations and appeal bodies.
            try SampleLetterSettings.apply(session, manager: manager.user)
            try session.act(as: caseworkers[0].user)
            for spec in SampleOrganisations.all where try c.queryRow("SELECT 1 FROM tilskot.organisation WHERE orgnr = $1", [spec.orgnr]) == nil {
                _ = try Organisations.add(.init(number: try OrganisationNumber(spec.orgnr), name: spec.name, kind: spec.kind,
                                                municipality: try MunicipalityNumber(spec.municipality),
                                                memberBased: spec.memberBased, externalBoard: spec.externalBoard),
                                          session: session)
                outcome.organisationsCreated += 1
            }
            let applications = Dictionary(grouping: SampleApplications.all, by: \.round)
            for round in SampleRounds.all {
                var result = RoundOutcome(round: round.key, opened: false, registered: 0, alreadyThere: 0)
                let key = try RoundKey(round.key)
                if try c.queryRow("""
                    SELECT 1 FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = $1 AND r.year = $2
                    """, [round.scheme, round.year]) == nil {
                    try session.act(as: manager.user)
                    _ = try Rounds.open(key, frame: Money(kroner: round.frame), opens: try CalendarDate(round.opens),
                                        closes: try CalendarDate(round.closes), session: session)
                    for adjustment in round.adjustments {
                        _ = try Rounds.adjust(key, amount: Money(kroner: adjustment.amount), reason: adjustment.reason, session: session)
                    }
                    result.opened = true
                }
                for application in applications[round.key] ?? [] {
                    // Each application is a step with the load's reason, set at its start and put back
                    // at its end (Session.transaction): a decision's reasons or an adjustment's reason
                    // stays on that step's audit rows and is never carried into the next application's.
                    if try session.transaction(reason: reason, { try handle(application, key, session) }) {
                        result.registered += 1
                    } else {
                        result.alreadyThere += 1
                    }
                }
                outcome.rounds.append(result)
            }
            return outcome
        }
    }

    /// Registers one application and carries it to its fate; false when it was registered already.
    static func handle(_ spec: SampleApplications.Spec, _ round: RoundKey, _ session: Session) throws -> Bool {
        try session.act(as: spec.caseworker)
        let registration = try Applications.register(
            .init(round: round, organisation: try OrganisationNumber(spec.orgnr), title: spec.title,
                  amount: Money(kroner: spec.amount), received: try CalendarDate(spec.received), externalRef: spec.externalRef),
            session: session)
        guard !registration.alreadyRegistered else { return false }
        let reference = try ApplicationReference(registration.reference)
        try carry(reference, spec, spec.fate, session)
        // Illustrative participants (SampleParticipants), on a few of the projects this load registered.
        try SampleParticipants.record(reference, externalRef: spec.externalRef, caseworker: spec.caseworker, session: session)
        return true
    }

    static func carry(_ reference: ApplicationReference, _ spec: SampleApplications.Spec,
                      _ fate: SampleApplications.Fate, _ session: Session) throws {
        let applied = Money(kroner: spec.amount)
        func handleAndAssess(_ recommendation: Recommendation, _ amount: Money?, score: Int) throws {
            try session.act(as: spec.caseworker)
            _ = try Applications.assign(reference, session: session)
            _ = try Assessments.assess(reference, score: score, recommendation: recommendation, amount: amount,
                                       notes: spec.round.hasPrefix("JS/") ? "Godt forankra i kommunen; realistisk plan for kvalifisering"
                                                                          : "Vurdert etter kriteria i regelverket for ordninga",
                                       session: session)
        }
        func decide(_ request: DecisionRequest, _ date: String, _ reasons: String?) throws {
            try session.act(as: manager.user)
            _ = try Decisions.decide(reference, request, reasons: reasons, conditions: spec.conditions,
                                     date: try CalendarDate(date), session: session)
        }
        switch fate {
        case .granted(let on):
            try handleAndAssess(.grant, nil, score: 4)
            try decide(.grant(applied), on, nil)
        case .partial(let kroner, let on, let reasons):
            try handleAndAssess(.partial, Money(kroner: kroner), score: 3)
            try decide(.grant(Money(kroner: kroner)), on, reasons)
        case .rejected(let on, let reasons):
            try handleAndAssess(.reject, nil, score: 2)
            try decide(.reject, on, reasons)
        case .dismissed(let on, let reasons):
            try decide(.dismiss, on, reasons)
        case .withdrawn(let reason):
            try session.act(as: spec.caseworker)
            _ = try Applications.assign(reference, session: session)
            _ = try Applications.withdraw(reference, reason: reason, session: session)
        case .pending(let assessed):
            if assessed { try handleAndAssess(.grant, nil, score: 4) }
        case .forwardedAndUpheld, .appealDismissed:
            throw TilskotError.refused("sample data: \(reference) has an appeal step but no appeal")
        case .appealed(let first, let received, let grounds, let then):
            try carry(reference, spec, first, session)
            try session.act(as: appealRegistrar.user)
            _ = try Appeals.register(reference, received: try CalendarDate(received), grounds: grounds, session: session)
            switch then {
            case .granted(let on): try decide(.grant(applied), on, nil)
            case .partial(let kroner, let on, let reasons): try decide(.grant(Money(kroner: kroner)), on, reasons)
            case .rejected(let on, let reasons): try decide(.reject, on, reasons)
            case .dismissed(let on, let reasons): try decide(.dismiss, on, reasons)
            case .forwardedAndUpheld(let forwarded, let upheld, let reasons):
                // The appeal body is the scheme's at the decision date (the sample's appeal bodies).
                try session.act(as: manager.user)
                _ = try Appeals.forward(reference, date: try CalendarDate(forwarded), session: session)
                _ = try Appeals.bodyDecision(reference, upheld: true, reasons: reasons, date: try CalendarDate(upheld), session: session)
            case .appealDismissed(let ground, let on, let reasons):
                try session.act(as: manager.user)
                _ = try Appeals.dismiss(reference, ground: AppealDismissalGround(rawValue: ground) ?? .other, reasons: reasons,
                                        date: try CalendarDate(on), session: session)
            case .withdrawn, .pending, .appealed:
                throw TilskotError.refused("sample data: an appeal of \(reference) must end in a decision")
            }
        }
    }

    static func ensureUser(_ name: String, _ role: UserRole, _ fullName: String, _ session: Session) throws(TilskotError) {
        let member = try session.run {
            try session.connection.queryValue("""
                SELECT pg_has_role(r.oid, $2, 'MEMBER') FROM pg_roles r WHERE r.rolname = $1
                """, [name, role.groupRole], as: Bool.self)
        }
        if member == true { return }
        try Users.add(name, role: role, fullName: fullName, session: session)
    }
}
