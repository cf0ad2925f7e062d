-- corsc tenants, schema version 1.
-- One row per tenant, one row per origin (in the order submitted), and a
-- change log that triggers append to, which replicas read from the last
-- sequence number they applied. Rows of the log may be deleted once every
-- reader has passed them.
CREATE TABLE corsc_tenants (
    id TEXT PRIMARY KEY NOT NULL,
    plan TEXT
);

CREATE TABLE corsc_tenant_origins (
    tenant_id TEXT NOT NULL REFERENCES corsc_tenants (id) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (tenant_id, position)
);

CREATE TABLE corsc_tenant_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL
);

CREATE TRIGGER corsc_tenants_insert AFTER INSERT ON corsc_tenants
BEGIN INSERT INTO corsc_tenant_changes (tenant_id) VALUES (NEW.id); END;

CREATE TRIGGER corsc_tenants_update AFTER UPDATE ON corsc_tenants
BEGIN
    INSERT INTO corsc_tenant_changes (tenant_id) VALUES (OLD.id);
    INSERT INTO corsc_tenant_changes (tenant_id) VALUES (NEW.id);
END;

CREATE TRIGGER corsc_tenants_delete AFTER DELETE ON corsc_tenants
BEGIN INSERT INTO corsc_tenant_changes (tenant_id) VALUES (OLD.id); END;

CREATE TRIGGER corsc_origins_insert AFTER INSERT ON corsc_tenant_origins
BEGIN INSERT INTO corsc_tenant_changes (tenant_id) VALUES (NEW.tenant_id); END;

CREATE TRIGGER corsc_origins_update AFTER UPDATE ON corsc_tenant_origins
BEGIN
    INSERT INTO corsc_tenant_changes (tenant_id) VALUES (OLD.tenant_id);
    INSERT INTO corsc_tenant_changes (tenant_id) VALUES (NEW.tenant_id);
END;

CREATE TRIGGER corsc_origins_delete AFTER DELETE ON corsc_tenant_origins
BEGIN INSERT INTO corsc_tenant_changes (tenant_id) VALUES (OLD.tenant_id); END;
