import TilskotCore
import TilskotStore

/// Illustrative participants of the sample (not real people, and not the directorate's figures):
/// a few Jobbsjansen 2021 projects get participants with a gender, birth year, home municipality,
/// start, end and outcome, so that the participant report and the equality section's table of
/// participants by gender have something to show — small cells included, so their suppression shows
/// too. Every code starts with EKSEMPEL- (example), so they read as such in every list and log.
///
/// They are recorded through the register's own function (tilskot.participant_add) by the project's
/// caseworker, like any participant: need to know, the access log and the server-log trace apply.
/// Only a project this load registered gets them (SampleLoader.handle), so a load run again, or on
/// projects the demo registered, adds none twice.
enum SampleParticipants {
    struct Project {
        /// The application's external reference (JS2021-<kommunenummer>).
        var externalRef: String
        var municipality: String
        /// How many women, men and other/not stated.
        var female: Int
        var male: Int
        var otherOrUnknown: Int
    }

    static let projects: [Project] = [
        Project(externalRef: "JS2021-0301", municipality: "0301", female: 9, male: 6, otherOrUnknown: 1),
        Project(externalRef: "JS2021-4601", municipality: "4601", female: 7, male: 3, otherOrUnknown: 0),
        Project(externalRef: "JS2021-5001", municipality: "5001", female: 6, male: 5, otherOrUnknown: 0),
        Project(externalRef: "JS2021-1103", municipality: "1103", female: 5, male: 2, otherOrUnknown: 1),
    ]

    static let outcomes: [ParticipantOutcome?] = [.employment, .education, .employment, .other, .droppedOut, nil]

    /// Records the illustrative participants of `externalRef`'s project, if it has any here.
    static func record(_ reference: ApplicationReference, externalRef: String, caseworker: String,
                       session: Session) throws {
        guard let project = projects.first(where: { $0.externalRef == externalRef }) else { return }
        try session.act(as: caseworker)
        let genders = Array(repeating: ParticipantGender.female, count: project.female)
            + Array(repeating: ParticipantGender.male, count: project.male)
            + Array(repeating: ParticipantGender.otherOrUnknown, count: project.otherOrUnknown)
        for (i, gender) in genders.enumerated() {
            let number = i + 1
            _ = try Participants.add(reference, NewParticipant(
                code: try ParticipantCode("EKSEMPEL-\(project.municipality)-\(number < 10 ? "0" : "")\(number)"),
                birthYear: 1970 + (i * 7) % 30, municipality: try MunicipalityNumber(project.municipality),
                startDate: try CalendarDate("2021-0\(5 + i % 4)-0\(1 + i % 9)"),
                endDate: try CalendarDate("2022-0\(1 + i % 6)-15"), outcome: outcomes[i % outcomes.count],
                gender: gender), session: session)
        }
    }
}
