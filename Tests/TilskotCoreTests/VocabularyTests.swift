import Foundation
import Testing
import TilskotCore

@Suite("Closed vocabularies")
struct VocabularyTests {
    @Test func rawValues() {
        #expect(ApplicantKind.allCases.map(\.rawValue) == ["municipality", "county", "voluntary", "business", "other"])
        #expect(Recommendation.allCases.map(\.rawValue) == ["grant", "partial", "reject"])
        #expect(DecisionOutcome.allCases.map(\.rawValue) == ["granted", "partially_granted", "rejected", "dismissed"])
        #expect(PaymentStatus.allCases.map(\.rawValue) == ["planned", "attested", "paid", "withheld"])
        #expect(ParticipantOutcome.allCases.map(\.rawValue) == ["employment", "education", "other", "dropped_out"])
    }

    @Test func parseIsForgivingAboutCaseAndSeparators() throws {
        #expect(try ApplicantKind.parse("Municipality") == .municipality)
        #expect(try Recommendation.parse(" partial ") == .partial)
        #expect(try DecisionOutcome.parse("partially-granted") == .partiallyGranted)
        #expect(try PaymentStatus.parse("PAID") == .paid)
        #expect(try ParticipantOutcome.parse("dropped out") == .droppedOut)
    }

    @Test func refusalListsTheAllowedValues() {
        let error = refusal { try ApplicantKind.parse("church") }
        #expect(error?.field == "applicant kind")
        #expect(error?.message == #"applicant kind "church" is not one of the allowed values; expected one of municipality, county, voluntary, business, other"#)
        #expect(refusal { try Recommendation.parse("approve") }?.message.hasSuffix("expected one of grant, partial, reject") == true)
        #expect(refusal { try DecisionOutcome.parse("") }?.message.contains("granted, partially_granted, rejected, dismissed") == true)
        #expect(refusal { try PaymentStatus.parse("sent") }?.message.contains("planned, attested, paid, withheld") == true)
        #expect(refusal { try ParticipantOutcome.parse("job") }?.message.contains("employment, education, other, dropped_out") == true)
    }

    @Test func decisionOutcomeStatusAndReasons() {
        #expect(DecisionOutcome.allCases.map(\.status) == [.granted, .partiallyGranted, .rejected, .dismissed])
        #expect(DecisionOutcome.allCases.filter(\.requiresReasons) == [.partiallyGranted, .rejected, .dismissed])
    }

    @Test func codableAsRawValue() throws {
        let data = try JSONEncoder().encode([ApplicantKind.voluntary])
        #expect(String(decoding: data, as: UTF8.self) == #"["voluntary"]"#)
    }
}
