/// The SQL files built into the binary by the EmbedSQL plugin that code outside this module needs.
/// `EmbeddedSQL` itself stays internal: the plugin runs once, here, and other modules read through this.
public enum BundledSQL {
    /// deploy/create-roles.sql, which the embedded local cluster runs on each database it makes;
    /// nil when this tilskot was built without it.
    public static var createRoles: String? {
        EmbeddedSQL.files.first(where: { $0.folder == "deploy" && $0.name == "create-roles.sql" })?.text
    }
}

extension BundledSQL {
    /// The git commit this binary was built from (read by the EmbedSQL plugin from .git without
    /// running git), or "unknown" when it was built outside a git checkout.
    public static var commit: String { EmbeddedSQL.commit }

    /// The schema level this binary was built for: SchemaLevel.bundled.
    public static var schemaLevel: String { EmbeddedSQL.schemaLevel }
}
