import PropertyBased
import Testing
import TilskotCore

@Suite("ApplicationStatus")
struct ApplicationStatusTests {
    /// The table of design.md, written out independently of the implementation (and of the SQL
    /// trigger that mirrors it) as (from, to) pairs.
    static let table: Set<[String]> = [
        ["received", "in_review"], ["received", "assessed"], ["received", "withdrawn"], ["received", "dismissed"],
        ["in_review", "assessed"], ["in_review", "withdrawn"], ["in_review", "dismissed"],
        ["assessed", "assessed"], ["assessed", "granted"], ["assessed", "partially_granted"],
        ["assessed", "rejected"], ["assessed", "dismissed"], ["assessed", "withdrawn"],
        ["granted", "appealed"], ["granted", "in_follow_up"],
        ["partially_granted", "appealed"], ["partially_granted", "in_follow_up"],
        ["rejected", "appealed"], ["dismissed", "appealed"],
        ["appealed", "granted"], ["appealed", "partially_granted"], ["appealed", "rejected"], ["appealed", "dismissed"],
        ["in_follow_up", "closed"],
    ]

    @Test func rawValuesAreTheStoredOnes() {
        #expect(ApplicationStatus.allCases.map(\.rawValue) == [
            "received", "in_review", "assessed", "granted", "partially_granted", "rejected", "dismissed",
            "withdrawn", "appealed", "in_follow_up", "closed",
        ])
    }

    @Test func allowedNextIsExactlyTheTable() {
        for from in ApplicationStatus.allCases {
            for to in ApplicationStatus.allCases {
                let inTable = Self.table.contains([from.rawValue, to.rawValue])
                #expect(from.allowedNext.contains(to) == inTable, "\(from) → \(to)")
                #expect(from.canMove(to: to) == inTable)
                #expect((from.transitionError(to: to) == nil) == inTable)
            }
        }
    }

    @Test func decidedAndOpen() {
        #expect(ApplicationStatus.allCases.filter(\.isDecided) == [.granted, .partiallyGranted, .rejected, .dismissed])
        #expect(ApplicationStatus.allCases.filter(\.isOpen) == [.received, .inReview, .assessed, .appealed])
        #expect(ApplicationStatus.allCases.filter(\.isFinal) == [.withdrawn, .closed])
    }

    @Test func refusalsSayWhy() {
        #expect(ApplicationStatus.withdrawn.transitionError(to: .granted)?.message == "application cannot go from withdrawn to granted; a withdrawn application is final")
        #expect(ApplicationStatus.closed.transitionError(to: .inFollowUp)?.message == "application cannot go from closed to in_follow_up; a closed application is final")
        #expect(ApplicationStatus.received.transitionError(to: .granted)?.message == "application cannot go from received to granted; a grant or a refusal needs an assessment first (only a dismissal may come without one)")
        #expect(ApplicationStatus.inReview.transitionError(to: .rejected)?.message.contains("needs an assessment first") == true)
        #expect(ApplicationStatus.granted.transitionError(to: .granted)?.message == "application cannot go from granted to granted; it is already granted")
        #expect(ApplicationStatus.granted.transitionError(to: .withdrawn)?.message.contains("only an application not yet decided can be withdrawn") == true)
        #expect(ApplicationStatus.rejected.transitionError(to: .inFollowUp)?.message == "application cannot go from rejected to in_follow_up; from rejected it can go only to appealed")
        #expect(ApplicationStatus.received.canMove(to: .dismissed))
        #expect(ApplicationStatus.inReview.canMove(to: .dismissed))
        #expect(throws: ValidationError.self) { try ApplicationStatus.withdrawn.checkTransition(to: .received) }
    }

    @Test func parseAcceptsCLIForms() throws {
        #expect(try ApplicationStatus.parse("in_review") == .inReview)
        #expect(try ApplicationStatus.parse("in-review") == .inReview)
        #expect(try ApplicationStatus.parse("Partially granted") == .partiallyGranted)
        #expect(refusal { try ApplicationStatus.parse("decided") }?.message == #"application status "decided" is not one of the allowed values; expected one of received, in_review, assessed, granted, partially_granted, rejected, dismissed, withdrawn, appealed, in_follow_up, closed"#)
    }

    @Test func randomWalksStayInsideTheTable() async {
        let attempts = Gen<ApplicationStatus>.case.array(of: 1...40)
        await propertyCheck(count: 500, input: attempts) { targets in
            var current = ApplicationStatus.received
            var seenDecision = false
            for target in targets {
                if current.canMove(to: target) {
                    #expect(Self.table.contains([current.rawValue, target.rawValue]))
                    #expect(current.transitionError(to: target) == nil)
                    current = target
                } else {
                    #expect(!Self.table.contains([current.rawValue, target.rawValue]))
                    #expect(current.transitionError(to: target)?.message.hasPrefix("application cannot go from \(current.rawValue) to \(target.rawValue); ") == true)
                }
                // Once decided, an application never goes back to the registration stages.
                seenDecision = seenDecision || current.isDecided
                if seenDecision {
                    #expect(![.received, .inReview, .assessed, .withdrawn].contains(current))
                }
            }
        }
    }

    @Test func walksThatFollowAllowedNextNeverLeaveTheTable() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...Int.max).array(of: 1...30)) { choices in
            var current = ApplicationStatus.received
            for choice in choices {
                let options = ApplicationStatus.allCases.filter(current.allowedNext.contains)
                guard !options.isEmpty else {
                    #expect(current.isFinal)
                    break
                }
                let next = options[choice % options.count]
                #expect(Self.table.contains([current.rawValue, next.rawValue]))
                current = next
            }
        }
    }
}
