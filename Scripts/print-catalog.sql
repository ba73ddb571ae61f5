-- Prints, in a stable order, everything of tilskot's schema that a rule or a grant depends on: every
-- table's columns, defaults, constraints and indexes; every function (pg_get_functiondef), trigger
-- (pg_get_triggerdef), view, sequence and policy; every grant; ownership; the group roles'
-- memberships and settings. Two databases with the same output have the same schema, whatever
-- files made them. SQL/catalog.txt is its output for a database made by `tilskot migrate`;
-- SchemaCatalogTests compares. After changing SQL/, refresh it with Scripts/refresh-catalog and
-- read its diff: it is the schema change as PostgreSQL sees it.
--
-- Generated names are left out where PostgreSQL numbers them (the OIDs of types behind tables).

\pset pager off
SET search_path = pg_catalog;

-- ACLs print as a sorted list: the order of GRANTs that built them is not part of the schema.
CREATE FUNCTION pg_temp.acl(a aclitem[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(a) x), 'default')
$$;

-- Tables and their columns.
SELECT format('table %s owner %s rls %s force_rls %s options %s', c.oid::regclass, pg_get_userbyid(c.relowner),
              c.relrowsecurity, c.relforcerowsecurity, coalesce(c.reloptions::text, '-'))
  FROM pg_class c
 WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind IN ('r', 'p')
 ORDER BY 1;

SELECT format('column %s.%s %s%s%s%s%s', a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              CASE WHEN a.attidentity <> ''::"char" THEN ' identity ' || a.attidentity::text ELSE '' END,
              CASE WHEN a.attgenerated <> ''::"char" THEN ' generated ' || pg_get_expr(d.adbin, d.adrelid)
                   WHEN d.adbin IS NOT NULL THEN ' default ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END,
              CASE WHEN a.attacl IS NOT NULL THEN ' acl ' || pg_temp.acl(a.attacl) ELSE '' END)
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
   AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid::regclass::text, a.attname;

SELECT format('constraint %s %s %s%s', con.conrelid::regclass, con.conname, pg_get_constraintdef(con.oid),
              CASE WHEN con.condeferrable THEN ' deferrable' ELSE '' END)
  FROM pg_constraint con
 WHERE con.connamespace = 'tilskot'::regnamespace
 ORDER BY 1;

SELECT format('index %s', pg_get_indexdef(i.indexrelid))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE c.relnamespace = 'tilskot'::regnamespace
 ORDER BY 1;

SELECT format('sequence %s owner %s %s', c.oid::regclass, pg_get_userbyid(c.relowner), s.seqtypid::regtype)
  FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
 WHERE c.relnamespace = 'tilskot'::regnamespace
 ORDER BY 1;

SELECT format('view %s owner %s options %s: %s', c.oid::regclass, pg_get_userbyid(c.relowner),
              coalesce(c.reloptions::text, '-'), pg_get_viewdef(c.oid, true))
  FROM pg_class c
 WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind IN ('v', 'm')
 ORDER BY 1;

SELECT format('type %s %s', t.oid::regtype, t.typtype)
  FROM pg_type t
 WHERE t.typnamespace = 'tilskot'::regnamespace AND t.typtype IN ('e', 'd', 'c')
   AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
 ORDER BY 1;

-- Functions, whole.
SELECT format('function %s owner %s acl %s%s%s', p.oid::regprocedure, pg_get_userbyid(p.proowner),
              pg_temp.acl(p.proacl), E'\n', pg_get_functiondef(p.oid))
  FROM pg_proc p
 WHERE p.pronamespace = 'tilskot'::regnamespace
 ORDER BY p.oid::regprocedure::text;

SELECT format('trigger %s', pg_get_triggerdef(t.oid))
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'tilskot'::regnamespace AND NOT t.tgisinternal
 ORDER BY c.oid::regclass::text, t.tgname;

SELECT format('policy %s.%s %s %s to %s using %s check %s', schemaname, tablename, policyname, cmd, roles,
              coalesce(qual, '-'), coalesce(with_check, '-'))
  FROM pg_policies
 WHERE schemaname = 'tilskot'
 ORDER BY 1;

-- Grants on relations, sequences, the schemas and the database.
SELECT format('grant %s %s', c.oid::regclass, pg_temp.acl(c.relacl))
  FROM pg_class c
 WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
 ORDER BY 1;

SELECT format('schema %s owner %s acl %s', n.nspname, pg_get_userbyid(n.nspowner), pg_temp.acl(n.nspacl))
  FROM pg_namespace n
 WHERE n.nspname IN ('tilskot', 'public')
 ORDER BY 1;

SELECT format('default acl %s %s %s', pg_get_userbyid(d.defaclrole), d.defaclobjtype, d.defaclacl)
  FROM pg_default_acl d
 ORDER BY 1;

-- The roles tilskot's schema names (NOLOGIN: the group roles and the owners; people and the
-- deployer are logins and vary by server), their memberships among themselves and their settings.
SELECT format('role %s login %s super %s createrole %s inherit %s', r.rolname, r.rolcanlogin, r.rolsuper,
              r.rolcreaterole, r.rolinherit)
  FROM pg_roles r
 WHERE r.rolname LIKE 'tilskot\_%' AND NOT r.rolcanlogin
 ORDER BY 1;

SELECT format('member %s of %s admin %s', m.rolname, g.rolname, a.admin_option)
  FROM pg_auth_members a
  JOIN pg_roles m ON m.oid = a.member
  JOIN pg_roles g ON g.oid = a.roleid
 WHERE m.rolname LIKE 'tilskot\_%' AND g.rolname LIKE 'tilskot\_%' AND NOT m.rolcanlogin
 ORDER BY 1;

SELECT format('role setting %s %s', r.rolname, s.setconfig)
  FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
 WHERE r.rolname LIKE 'tilskot\_%' AND NOT r.rolcanlogin AND s.setdatabase = 0
 ORDER BY 1;

-- Reference data the rules read (not case data): its size and a checksum of its rows.
SELECT format('data tilskot.status_transition rows %s md5 %s', count(*), md5(string_agg(t::text, ',' ORDER BY t::text)))
  FROM tilskot.status_transition t;
SELECT format('data tilskot.municipality_ref rows %s md5 %s', count(*), md5(string_agg(t::text, ',' ORDER BY t::text)))
  FROM tilskot.municipality_ref t;
