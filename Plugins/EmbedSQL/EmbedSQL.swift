import Foundation
import PackagePlugin

/// Embeds the package's SQL (migrations, schema files, sample data and deploy/create-roles.sql) into the target as Swift source, so an
/// installed `tilskot` binary can migrate a database without the source tree beside it.
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
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) SQL files",
                executable: try context.tool(named: "EmbedSQLTool").url,
                arguments: [output.path()] + inputs.map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
