import Foundation
import OpenAPIRuntime
import TilskotCore
import TilskotReports
import TilskotStore

/// Users (issue 19, I19-S3): the admin functions of SQL/schema/18_users.sql and 20_server.sql, as
/// `tilskot user …` calls them (Users). Whether the acting user may is the database's to say
/// (administrators only; the sentence comes back as the problem's detail).
extension TilskotAPI {
    /// `user list --format json`'s columns, for some users.
    static func userTable(_ users: [(name: String, roles: [String], disabled: Bool)], warning: String? = nil) -> DataTable {
        DataTable(columns: ["user", "roles", "disabled"] + (warning != nil ? ["warning"] : []),
                  rows: users.map { u in
                      [.text(u.name), .text(u.roles.joined(separator: ",")), .text(u.disabled ? "yes" : "no")]
                          + (warning.map { [DataTable.Cell.text($0)] } ?? [])
                  })
    }

    /// The user's row of `user list` after a change, with the database's warning if it gave one.
    static func userRecord(_ login: String, warning: String?, session: Session) throws -> Data {
        let found = try Users.list(session: session).filter { $0.name == login }
        return jsonObject(userTable(found.isEmpty ? [(login, [], true)] : found, warning: warning))
    }

    static func role(_ text: String) throws -> UserRole {
        guard let role = UserRole(rawValue: text) else {
            throw Problem(.unprocessableContent, "role \(text) is not one of caseworker, manager, finance, auditor, admin, participant_reader, portal")
        }
        return role
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let data = try await read("GET /users") { session in Self.jsonRows(Self.userTable(try Users.list(session: session))) }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func addUser(_ input: Operations.AddUser.Input) async throws -> Operations.AddUser.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let role = try Self.role(body.role.rawValue)
        let result = try await create("POST /users", key: input.headers.idempotencyKey) { session in
            let warning = try Users.add(body.login, role: role, reason: body.reason, session: session)
            return try Self.userRecord(body.login, warning: warning, session: session)
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func addUserRole(_ input: Operations.AddUserRole.Input) async throws -> Operations.AddUserRole.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let role = try Self.role(body.role.rawValue)
        let login = input.path.login
        let result = try await create("POST /users/{login}/roles", key: input.headers.idempotencyKey) { session in
            let warning = try Users.addRole(login, role: role, reason: body.reason, session: session)
            return try Self.userRecord(login, warning: warning, session: session)
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func removeUserRole(_ input: Operations.RemoveUserRole.Input) async throws -> Operations.RemoveUserRole.Output {
        let role = try Self.role(input.path.role.rawValue)
        let login = input.path.login
        let reason = input.query.reason
        let data = try await loggedRead("DELETE /users/{login}/roles/{role}") { session in
            try Users.removeRole(login, role: role, reason: reason, session: session)
            return try Self.userRecord(login, warning: nil, session: session)
        }
        return .ok(.init(body: .json(try Self.record(data))))
    }

    func disableUser(_ input: Operations.DisableUser.Input) async throws -> Operations.DisableUser.Output {
        var reason: String?
        if case .json(let body)? = input.body { reason = body.reason }
        let login = input.path.login
        let given = reason
        let result = try await create("POST /users/{login}/disable", key: input.headers.idempotencyKey) { session in
            try Users.disable(login, reason: given, session: session)
            return try Self.userRecord(login, warning: nil, session: session)
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func linkUser(_ input: Operations.LinkUser.Input) async throws -> Operations.LinkUser.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let login = input.path.login
        let result = try await create("POST /users/{login}/links", key: input.headers.idempotencyKey) { session in
            try Users.link(login, issuer: body.issuer, subject: body.subject, session: session)
            return Self.jsonObject(DataTable(columns: ["user", "issuer", "subject"],
                                             rows: [[.text(login), .text(body.issuer), .text(body.subject)]]))
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }
}
