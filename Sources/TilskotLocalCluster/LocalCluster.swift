import Foundation
import TilskotStore

/// The embedded local PostgreSQL cluster (`tilskot db start | stop | status | url`): a data
/// directory under `TILSKOT_HOME`, a unix socket in that directory and 127.0.0.1 on a free port.
/// PostgreSQL refuses to run as root, so as root the server runs as an unprivileged system user.
public struct LocalCluster: Sendable {
    public let home: URL
    let environment: [String: String]

    /// The bootstrap superuser and the default database of the cluster.
    public static let superuser = "tilskot"
    public static let databaseName = "tilskot"

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        self.home = LocalCluster.defaultHome(environment)
    }

    public init(home: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.home = home
        self.environment = environment
    }

    /// `TILSKOT_HOME`, else a per-user folder. Root's own home is closed to the server user, so as
    /// root the default lives under /var/lib.
    static func defaultHome(_ environment: [String: String]) -> URL {
        if let home = environment["TILSKOT_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        if geteuid() == 0 { return URL(fileURLWithPath: "/var/lib/tilskot", isDirectory: true) }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            return URL(fileURLWithPath: data).appending(path: "tilskot", directoryHint: .isDirectory)
        }
        let userHome = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: userHome).appending(path: ".local/share/tilskot", directoryHint: .isDirectory)
    }

    public var dataDirectory: URL { home.appending(path: "data", directoryHint: .isDirectory) }
    public var socketDirectory: URL { home.appending(path: "run", directoryHint: .isDirectory) }
    public var logFile: URL { home.appending(path: "postgresql.log") }
    var portFile: URL { home.appending(path: "port") }

    public var isInitialised: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appending(path: "PG_VERSION").path)
    }

    /// The TCP port chosen when the cluster was initialised (also names the unix socket).
    public var port: Int? {
        (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// A libpq URL over the unix socket, as the cluster's superuser.
    public func connectionURL(database: String = LocalCluster.databaseName) -> String {
        let host = socketDirectory.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? socketDirectory.path
        return "postgresql://\(LocalCluster.superuser)@\(host):\(port ?? 5432)/\(database)"
    }

    // MARK: - Commands

    public enum State: Equatable, Sendable {
        case notInitialised, stopped, running(pid: Int)
    }

    public func state() -> State {
        guard isInitialised else { return .notInitialised }
        guard let pid = serverPID(), isOurServer(pid: pid) else { return .stopped }
        return .running(pid: pid)
    }

    /// True when `pid` is a live postgres process serving this data directory. After a machine
    /// restart postmaster.pid may name a process id that now belongs to something else.
    func isOurServer(pid: Int) -> Bool {
        guard kill(pid_t(pid), 0) == 0 || errno == EPERM else { return false }
        guard let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else {
            return true // no /proc (not Linux): trust the live pid
        }
        let text = String(decoding: cmdline, as: UTF8.self)
        return text.contains("postgres")
    }

    /// Removes the lock files a crashed or rebooted server left behind, so it can start again.
    func removeStaleLockFiles() {
        let fm = FileManager.default
        try? fm.removeItem(at: dataDirectory.appending(path: "postmaster.pid"))
        for name in (try? fm.contentsOfDirectory(atPath: socketDirectory.path)) ?? [] where name.hasPrefix(".s.PGSQL.") {
            try? fm.removeItem(at: socketDirectory.appending(path: name))
        }
    }

    /// Initialises on first use and starts the server; does nothing if it is already running.
    /// Returns a line for each thing it did.
    @discardableResult
    public func start() throws(TilskotError) -> [String] {
        var done: [String] = []
        if !isInitialised {
            try initialise()
            done.append("initialised a new cluster in \(dataDirectory.path)")
        }
        if case .running = state() {
            try ensureDatabase()
            return done + ["already running at \(socketDirectory.path) and 127.0.0.1:\(port ?? 0)"]
        }
        if serverPID() != nil { removeStaleLockFiles() }
        try prepareDirectories()
        var result = try tool("pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", logFile.path])
        if result.exitCode != 0, logTail().contains("could not bind") || logTail().contains("in use") {
            // The port was taken while we were away: choose another and try once more.
            try writePort(try LocalCluster.freePort())
            try writeServerSettings()
            result = try tool("pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", logFile.path])
        }
        guard result.exitCode == 0 else {
            throw .refused("the local database did not start: \(lastLogLine() ?? result.output); see \(logFile.path)")
        }
        try ensureDatabase()
        done.append("running at \(socketDirectory.path) and 127.0.0.1:\(port ?? 0)")
        return done
    }

    public func stop() throws(TilskotError) -> String {
        guard case .running = state() else { return "not running" }
        let result = try tool("pg_ctl", ["stop", "-w", "-m", "fast", "-D", dataDirectory.path])
        guard result.exitCode == 0 else { throw .refused("the local database did not stop: \(result.output)") }
        return "stopped"
    }

    // MARK: - Set-up

    func initialise() throws(TilskotError) {
        try prepareDirectories()
        let result = try tool("initdb", [
            "-D", dataDirectory.path, "-U", LocalCluster.superuser, "-E", "UTF8", "--no-locale",
            // The socket lives in a directory only the server user (and root) can enter; TCP needs a password.
            "--auth-local=trust", "--auth-host=scram-sha-256",
        ])
        guard result.exitCode == 0 else {
            throw .refused("could not initialise the local database in \(dataDirectory.path): \(result.output)")
        }
        try writePort(try LocalCluster.freePort())
        try writeServerSettings()
    }

    func prepareDirectories() throws(TilskotError) {
        do {
            for dir in [home, socketDirectory] {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: home.path)
        } catch {
            throw .refused("cannot create \(home.path): \(error.localizedDescription); set TILSKOT_HOME to a folder you can write")
        }
        if let user = serverUser {
            _ = try runTool("chown", ["-R", user, home.path], asServerUser: false)
            // The server user must be able to pass through every parent folder.
            let probe = try runTool("test", ["-w", home.path], asServerUser: true)
            if probe.exitCode != 0 {
                throw .refused("the server user \(user) cannot reach \(home.path) (a parent folder is closed to it, as /root is); set TILSKOT_HOME to a folder outside it, e.g. /var/lib/tilskot")
            }
        }
    }

    func writePort(_ port: Int) throws(TilskotError) {
        do { try "\(port)\n".write(to: portFile, atomically: true, encoding: .utf8) } catch {
            throw .refused("cannot write \(portFile.path): \(error.localizedDescription)")
        }
        if let user = serverUser { _ = try runTool("chown", [user, portFile.path], asServerUser: false) }
    }

    /// Settings live in postgresql.auto.conf so that a plain `pg_ctl start` uses them too.
    func writeServerSettings() throws(TilskotError) {
        let settings = """
        # Written by tilskot db start.
        port = \(port ?? 5432)
        listen_addresses = '127.0.0.1'
        unix_socket_directories = '\(socketDirectory.path)'
        max_connections = 200
        shared_buffers = '256MB'
        fsync = on
        log_min_messages = warning

        """
        let file = dataDirectory.appending(path: "postgresql.auto.conf")
        do { try settings.write(to: file, atomically: true, encoding: .utf8) } catch {
            throw .refused("cannot write \(file.path): \(error.localizedDescription)")
        }
        if let user = serverUser { _ = try runTool("chown", [user, file.path], asServerUser: false) }
    }

    func ensureDatabase() throws(TilskotError) {
        let exists = try tool("psql", ["-X", "-A", "-t", "-d", connectionURL(database: "postgres"), "-c",
                                        "SELECT 1 FROM pg_database WHERE datname = '\(LocalCluster.databaseName)'"])
        if exists.output.trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            let created = try tool("createdb", ["-h", socketDirectory.path, "-p", "\(port ?? 5432)",
                                                 "-U", LocalCluster.superuser, LocalCluster.databaseName])
            guard created.exitCode == 0 else { throw .refused("could not create the database: \(created.output)") }
        }
        try prepareDatabase(LocalCluster.databaseName)
    }

    /// Creates (or with `replace`, drops and creates) another database of the running cluster and
    /// gives it tilskot's roles and rights, ready for `tilskot migrate`.
    public func createDatabase(_ database: String, replace: Bool) throws(TilskotError) {
        guard database.wholeMatch(of: /[a-z_][a-z0-9_]{0,62}/) != nil else {
            throw .refused("\(database) is not a database name tilskot makes; use lower-case letters, digits and _ (at most 63), starting with a letter")
        }
        guard case .running = state() else { throw .refused("the local database is not running; start it with `tilskot db start`") }
        var script = ""
        if replace { script += "DROP DATABASE IF EXISTS \(database) WITH (FORCE);\n" }
        script += "SELECT 'CREATE DATABASE \(database)' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '\(database)') \\gexec\n"
        let created = try psqlScript(script, variables: [:])
        guard created.exitCode == 0 else {
            throw .refused("could not create database \(database): \(created.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        try prepareDatabase(database)
    }

    /// Gives `database` tilskot's roles and rights: deploy/create-roles.sql, built into the binary and
    /// run by psql with `local=on` — the very file a directorate runs on its own server, so both setups
    /// have one role layout: tilskot_owner (NOLOGIN, not a superuser) owns the database and, once
    /// migrated, everything in it; PUBLIC may neither connect nor create temporary tables. Safe to
    /// run again.
    public func prepareDatabase(_ database: String) throws(TilskotError) {
        guard let script = BundledSQL.createRoles else {
            throw .refused("this tilskot was built without deploy/create-roles.sql; rebuild it from a whole checkout")
        }
        let result = try psqlScript(script, variables: ["local": "on", "dbname": database])
        guard result.exitCode == 0 else {
            throw .refused("could not give database \(database) tilskot's roles and rights: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    // MARK: - Processes

    /// Runs a psql script (meta-commands allowed) on the cluster's `postgres` database as its superuser,
    /// stopping at the first error.
    func psqlScript(_ script: String, variables: [String: String]) throws(TilskotError) -> ChildProcess.Result {
        guard let psql = LocalCluster.findPostgresTool("psql", environment: environment) else {
            throw .refused("cannot find PostgreSQL's psql; install the client (apt-get install -y postgresql-client) or set TILSKOT_PG_BINDIR")
        }
        let settings = variables.sorted { $0.key < $1.key }.flatMap { ["-v", "\($0.key)=\($0.value)"] }
        do {
            return try ChildProcess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1"] + settings
                                        + ["-d", connectionURL(database: "postgres"), "-f", "-"], stdin: script)
        } catch {
            throw .refused("cannot run psql: \(error.localizedDescription)")
        }
    }

    /// The unprivileged user that runs the server when we are root: `TILSKOT_SERVER_USER`, else
    /// `postgres` (Debian's package creates it), else nil (we are not root: run as ourselves).
    var serverUser: String? {
        guard geteuid() == 0 else { return nil }
        return environment["TILSKOT_SERVER_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
    }

    struct ToolResult {
        var exitCode: Int32
        var output: String
    }

    func tool(_ name: String, _ arguments: [String]) throws(TilskotError) -> ToolResult {
        try runTool(name, arguments, asServerUser: name != "psql" && name != "createdb")
    }

    func runTool(_ name: String, _ arguments: [String], asServerUser: Bool) throws(TilskotError) -> ToolResult {
        let executable: String
        if ["chown", "test"].contains(name) {
            executable = name
        } else {
            guard let found = LocalCluster.findPostgresTool(name, environment: environment) else {
                throw .refused("cannot find PostgreSQL's \(name); install the server (apt-get install -y postgresql) or set TILSKOT_PG_BINDIR")
            }
            executable = found
        }
        var command = [executable] + arguments
        if asServerUser, let user = serverUser {
            command = ["runuser", "-u", user, "--"] + command
        }
        do {
            let result = try ChildProcess.run(command)
            return ToolResult(exitCode: result.exitCode, output: result.output)
        } catch {
            throw .refused("cannot run \(name): \(error.localizedDescription)")
        }
    }

    static func findPostgresTool(_ name: String, environment: [String: String]) -> String? {
        var candidates: [String] = []
        if let dir = environment["TILSKOT_PG_BINDIR"] { candidates.append(dir) }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return candidates.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func serverPID() -> Int? {
        let file = dataDirectory.appending(path: "postmaster.pid")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { Int($0) }
    }

    func logTail() -> String {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return "" }
        return String(text.suffix(2000))
    }

    func lastLogLine() -> String? {
        logTail().split(separator: "\n").last.map(String.init)
    }

    /// Asks the kernel for a free TCP port on 127.0.0.1.
    static func freePort() throws(TilskotError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .refused("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw .refused("cannot find a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
