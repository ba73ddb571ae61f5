import Foundation

/// Runs a program and waits for it with posix_spawn and waitpid. Foundation's Process can wait
/// forever when its run loop is starved (seen under Swift Testing on two cores), so we do not use it
/// for things we must wait for.
public enum ChildProcess {
    public struct Result: Sendable {
        public var exitCode: Int32
        /// Standard output and standard error together, unless `stderr` was given separately.
        public var output: String
        public var errorOutput: String
    }

    /// Runs `arguments[0]` (looked up in PATH) with the rest as its arguments. Output goes to files,
    /// not pipes: a daemon the program leaves behind (`pg_ctl start`) would hold a pipe open forever.
    public static func run(
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: String? = nil,
        separateStandardError: Bool = false
    ) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appending(path: "tilskot-child-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outPath = directory.appending(path: "out").path
        let errPath = directory.appending(path: "err").path
        let inPath = directory.appending(path: "in").path
        try (stdin ?? "").write(toFile: inPath, atomically: true, encoding: .utf8)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin == nil ? "/dev/null" : inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if separateStandardError {
            posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status: Int32 = withCStringArray(arguments) { argv in
            withCStringArray(env) { envp in
                posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
            }
        }
        guard status == 0 else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "cannot run \(arguments[0]): \(String(cString: strerror(status)))"])
        }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) == -1 && errno == EINTR {}
        let exitCode: Int32 = (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
        return Result(
            exitCode: exitCode,
            output: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            errorOutput: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        )
    }

    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
