import Foundation
import PackagePlugin

/// Embeds the package's SQL (migrations, schema files, sample data and deploy/create-roles.sql) into the target as Swift source, so an
/// installed `tilskot` binary can migrate a database without the source tree beside it. The tool also
/// embeds the schema level (a fingerprint of the migrations and schema files) and the git commit the
/// checkout is at, which `tilskot --version` prints.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        var inputs: [URL] = []
        for folder in ["SQL/migrations", "SQL/schema", "SQL/sample"] {
            let dir = root.appending(path: folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path())) ?? []
            inputs += names.filter { $0.hasSuffix(".sql") }.sorted().map { dir.appending(path: $0) }
        }
        // The role layout, run by psql on the embedded cluster as a directorate runs it on its server.
        inputs.append(root.appending(path: "deploy/create-roles.sql"))
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        let gitDir = root.appending(path: ".git")
        let gitInputs = Self.gitFiles(gitDir)
        let gitArguments = gitInputs.isEmpty ? [] : ["--git", gitDir.path()]
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) SQL files",
                executable: try context.tool(named: "EmbedSQLTool").url,
                arguments: [output.path()] + gitArguments + inputs.map { $0.path() },
                inputFiles: inputs + gitInputs,
                outputFiles: [output]
            ),
        ]
    }

    /// The files that say which commit the checkout is at — HEAD, the branch's loose ref, packed-refs
    /// (a worktree's .git file and its HEAD) — those that exist, as inputs, so a new commit or another
    /// branch embeds the new commit. Empty outside a git checkout.
    static func gitFiles(_ gitDir: URL) -> [URL] {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: gitDir.path(), isDirectory: &isDirectory) else { return [] }
        var found: [URL] = []
        var dir = gitDir
        if !isDirectory.boolValue {
            found.append(gitDir)
            guard let line = try? String(contentsOf: gitDir, encoding: .utf8), line.hasPrefix("gitdir:") else { return found }
            let path = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            dir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : gitDir.deletingLastPathComponent().appending(path: path)
        }
        let head = dir.appending(path: "HEAD")
        guard let text = try? String(contentsOf: head, encoding: .utf8) else { return found }
        found.append(head)
        var bases = [dir]
        if let common = try? String(contentsOf: dir.appending(path: "commondir"), encoding: .utf8) {
            let path = common.trimmingCharacters(in: .whitespacesAndNewlines)
            bases.append(path.hasPrefix("/") ? URL(fileURLWithPath: path) : dir.appending(path: path))
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for base in bases {
            if trimmed.hasPrefix("ref:") {
                let ref = base.appending(path: trimmed.dropFirst("ref:".count).trimmingCharacters(in: .whitespaces))
                if files.fileExists(atPath: ref.path()) { found.append(ref) }
            }
            let packed = base.appending(path: "packed-refs")
            if files.fileExists(atPath: packed.path()) { found.append(packed) }
        }
        return found
    }
}
