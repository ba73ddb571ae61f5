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
    /// The server log being written now: the logging collector's current file (the server names it
    /// in current_logfiles: postgresql-Mon.log … postgresql-Sun.log in `logDirectory`), else what
    /// pg_ctl captured at the last start.
    public var logFile: URL { currentLogFile() ?? startupLogFile }
    /// What pg_ctl captures while the server starts, before the logging collector takes over (and
    /// everything, when the server failed before it did). Started afresh at each `db start`.
    public var startupLogFile: URL { home.appending(path: "postgresql.log") }
    /// The logging collector's folder: one file per weekday, each emptied when the server rotates
    /// into it a week later (`writeServerSettings`); `db start` removes those a week old, for a
    /// server that was not running at the turn of the day.
    public var logDirectory: URL { home.appending(path: "log", directoryHint: .isDirectory) }
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
    /// restart postmaster.pid may name a process id that now belongs to something else — another
    /// program, or the postmaster of another cluster.
    func isOurServer(pid: Int) -> Bool {
        guard kill(pid_t(pid), 0) == 0 || errno == EPERM else { return false }
        guard let arguments = LocalCluster.commandLine(pid: pid) else {
            return true // no /proc (not Linux): trust the live pid
        }
        return servesThisDataDirectory(arguments)
    }

    /// The arguments of process `pid` (/proc/PID/cmdline), or nil when /proc cannot tell.
    static func commandLine(pid: Int) -> [String]? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A postmaster started by `pg_ctl -D DATA` runs as `postgres -D DATA` (it keeps its command line).
    func servesThisDataDirectory(_ arguments: [String]) -> Bool {
        guard let program = arguments.first, program.hasSuffix("postgres") || program.hasSuffix("postmaster") else { return false }
        let data = LocalCluster.trimmedPath(dataDirectory.path)
        return arguments.dropFirst().contains { LocalCluster.trimmedPath($0) == data }
    }

    static func trimmedPath(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// Postgres processes whatever their pid file says, that serve this data directory.
    func serverProcesses() -> [Int] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int.init).filter { pid in
            LocalCluster.commandLine(pid: pid).map(servesThisDataDirectory) ?? false
        }.sorted()
    }

    /// What postmaster.pid holds.
    enum LockFile: Equatable {
        case absent
        /// Zero bytes, or only zero bytes and blanks: what a power cut leaves of a file just written.
        case empty
        /// Its first line is not a process id.
        case garbled(String)
        case names(pid: Int)
    }

    var lockFilePath: URL { dataDirectory.appending(path: "postmaster.pid") }

    func lockFile() -> LockFile {
        guard FileManager.default.fileExists(atPath: lockFilePath.path) else { return .absent }
        let text = String(decoding: (try? Data(contentsOf: lockFilePath)) ?? Data(), as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0"))).isEmpty { return .empty }
        let first = text.split(separator: "\n", omittingEmptySubsequences: false).first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard let pid = Int(first), pid > 0 else { return .garbled(first) }
        return .names(pid: pid)
    }

    /// True when a server accepts connections on the cluster's unix socket.
    func socketAnswers() -> Bool {
        let path = socketDirectory.appending(path: ".s.PGSQL.\(port ?? 5432)").path
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) == 0 }
        }
    }

    /// postmaster.pid is there while no server of ours runs (`state()` said so): says what is
    /// wrong with it, makes sure no postgres process serves this data directory and nothing answers
    /// on its socket, and removes it with the socket's leftovers. Returns the line `db start`
    /// prints, or nil when there is no pid file. Refuses, removing nothing, when a server runs.
    func clearStaleLockFile() throws(TilskotError) -> String? {
        let what: String
        switch lockFile() {
        case .absent:
            return nil
        case .empty:
            what = "postmaster.pid is empty (left by a power cut or a crash)"
        case .garbled(let first):
            what = "postmaster.pid is garbled (its first line \"\(first.prefix(40))\" is not a process id; left by a power cut or a crash)"
        case .names(let pid):
            let alive = kill(pid_t(pid), 0) == 0 || errno == EPERM
            what = alive ? "postmaster.pid names process \(pid), which is now another program (left by a crash or a machine restart)"
                         : "postmaster.pid names process \(pid), which no longer runs (left by a crash or a power cut)"
        }
        let running = serverProcesses()
        if !running.isEmpty {
            throw .refused("\(what), but postgres process \(running.map(String.init).joined(separator: ", ")) still serves \(dataDirectory.path); nothing was removed — stop it (`kill -INT \(running[0])`) and run `tilskot db start` again")
        }
        if socketAnswers() {
            throw .refused("\(what), but a server answers on the socket in \(socketDirectory.path); nothing was removed — stop that server and run `tilskot db start` again")
        }
        removeStaleLockFiles()
        return "\(what); no server runs on it; removed and starting"
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
        if let line = try clearStaleLockFile() { done.append(line) }
        try prepareDirectories()
        // Settings added since the cluster was made (the log's rotation and prefix) apply from this start.
        try writeServerSettings()
        prepareLogs()
        var result = try tool("pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", startupLogFile.path])
        if result.exitCode != 0, logTail().contains("could not bind") || logTail().contains("in use") {
            // The port was taken while we were away: choose another and try once more.
            try writePort(try LocalCluster.freePort())
            try writeServerSettings()
            prepareLogs()
            result = try tool("pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", startupLogFile.path])
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
            for dir in [home, socketDirectory, logDirectory] {
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

    /// Settings tilskot keeps: where the server listens and logs, written at every start.
    var placeSettings: [(String, String)] {
        [("port", "\(port ?? 5432)"),
         ("listen_addresses", "'127.0.0.1'"),
         ("unix_socket_directories", "'\(socketDirectory.path)'"),
         ("log_directory", "'\(logDirectory.path)'")]
    }

    /// Settings tilskot starts a cluster with; a value set since (ALTER SYSTEM) is kept. The log
    /// does not grow forever: the logging collector writes one file per weekday and empties it when
    /// it rotates into it a week later; each line says when, which process, who, in which database,
    /// from which application (`tilskot <command>`) and client.
    static let defaultSettings: [(String, String)] = [
        ("max_connections", "200"),
        ("shared_buffers", "'256MB'"),
        ("fsync", "on"),
        ("log_min_messages", "warning"),
        ("logging_collector", "on"),
        ("log_filename", "'postgresql-%a.log'"),
        ("log_rotation_age", "'1d'"),
        ("log_rotation_size", "0"),
        ("log_truncate_on_rotation", "on"),
        ("log_line_prefix", "'%m [%p] %u@%d %a %h '"),
    ]

    /// Settings live in postgresql.auto.conf so that a plain `pg_ctl start` uses them too. The file
    /// is merged, not replaced: the place settings take tilskot's values, a default is added when
    /// the file lacks it, and every other line (ALTER SYSTEM's) stays.
    func writeServerSettings() throws(TilskotError) {
        let file = dataDirectory.appending(path: "postgresql.auto.conf")
        let existing = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        let settings = LocalCluster.mergedSettings(existing, place: placeSettings, defaults: LocalCluster.defaultSettings)
        do { try settings.write(to: file, atomically: true, encoding: .utf8) } catch {
            throw .refused("cannot write \(file.path): \(error.localizedDescription)")
        }
        if let user = serverUser { _ = try runTool("chown", [user, file.path], asServerUser: false) }
    }

    /// `existing` (a postgresql.auto.conf) with `place` set and `defaults` added where missing.
    static func mergedSettings(_ existing: String, place: [(String, String)], defaults: [(String, String)]) -> String {
        func key(_ line: Substring) -> String? {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let eq = trimmed.firstIndex(of: "=") else { return nil }
            return trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
        }
        let placeValues = Dictionary(place, uniquingKeysWith: { $1 })
        var seen = Set<String>()
        var lines: [String] = []
        for line in existing.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let name = key(line) else {
                if !line.isEmpty { lines.append(String(line)) }
                continue
            }
            seen.insert(name)
            lines.append(placeValues[name].map { "\(name) = \($0)" } ?? String(line))
        }
        if lines.isEmpty { lines.append("# Written by tilskot db start; ALTER SYSTEM adds to it.") }
        for (name, value) in place + defaults where !seen.contains(name) {
            seen.insert(name)
            lines.append("\(name) = \(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Before a start: the startup log begins afresh (pg_ctl appends to it), and a weekday's file
    /// last written a week ago or more is removed — the server empties it itself only when it runs
    /// at the turn of that day.
    func prepareLogs() {
        let fm = FileManager.default
        try? fm.removeItem(at: startupLogFile)
        let weekAgo = Date().addingTimeInterval(-6 * 86_400)
        for name in (try? fm.contentsOfDirectory(atPath: logDirectory.path)) ?? [] where name.hasPrefix("postgresql-") {
            let file = logDirectory.appending(path: name)
            if let modified = (try? fm.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date, modified < weekAgo {
                try? fm.removeItem(at: file)
            }
        }
    }

    /// The server log as written so far. The logging collector writes a line a moment after it was
    /// raised (it reads a pipe), so a reader that must see what was just logged gets it from here:
    /// a marker line is raised after it, and the file read (for up to 5 s) until the marker is in
    /// it — the pipe keeps the order in which lines were raised.
    public func settledLog() -> String {
        let marker = "tilskot log marker \(UUID().uuidString)"
        _ = try? psqlScript("DO $$ BEGIN RAISE LOG '\(marker)'; END $$;\n", variables: [:])
        var text = ""
        for _ in 0..<100 {
            text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if text.contains(marker) { break }
            usleep(50_000)
        }
        return text
    }

    /// The logging collector's current file, as the server names it in current_logfiles.
    func currentLogFile() -> URL? {
        guard let text = try? String(contentsOf: dataDirectory.appending(path: "current_logfiles"), encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("stderr ") {
            let path = String(line.dropFirst("stderr ".count))
            return path.hasPrefix("/") ? URL(fileURLWithPath: path) : dataDirectory.appending(path: path)
        }
        return nil
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
        if case .names(let pid) = lockFile() { return pid }
        return nil
    }

    /// The end of the log written last: the startup log (a server that failed before its logging
    /// collector started) or the collector's current file.
    func logTail() -> String {
        let fm = FileManager.default
        func modified(_ url: URL) -> Date {
            ((try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
        }
        let newest = ([startupLogFile] + [currentLogFile()].compactMap { $0 }).max { modified($0) < modified($1) }
        guard let newest, let handle = try? FileHandle(forReadingFrom: newest) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4000 ? size - 4000 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(String(decoding: data, as: UTF8.self).suffix(2000))
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
