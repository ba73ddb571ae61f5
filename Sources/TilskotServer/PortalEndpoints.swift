import Foundation
import TilskotCore
import TilskotStore

/// What an applicant portal (a machine client, tilskot_portal) may do besides registering through
/// POST /applications: read where its applications stand (issue 19). Every role may ask; which
/// applications a portal sees is the database's (row-level security, SQL/schema/21_portal.sql), so
/// another's application answers 404 with the sentence an unknown reference gets.
extension TilskotAPI {
    func showApplicationStatus(_ input: Operations.ShowApplicationStatus.Input) async throws -> Operations.ShowApplicationStatus.Output {
        let reference = try Self.parse { () throws(ValidationError) in try ApplicationReference(input.path.reference) }
        let view = try await read("GET /applications/{reference}/status") { session in
            try Applications.status(reference: reference, session: session)
        }
        return .ok(.init(body: .json(.init(reference: view.reference, externalRef: view.externalRef, status: view.status.rawValue,
                                           received: view.received.description, decisionDate: view.decisionDate?.description))))
    }
}
