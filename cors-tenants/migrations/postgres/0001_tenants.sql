-- corsc tenants, schema version 1 (PostgreSQL).
-- One row per tenant, one row per origin (in the order submitted), a change
-- log that triggers append to, and a NOTIFY on channel `corsc_tenants` for
-- every change, so each replica applies it at once. Rows of the log may be
-- deleted once every replica has passed them.
CREATE TABLE corsc_tenants (
    id TEXT PRIMARY KEY,
    plan TEXT
);

CREATE TABLE corsc_tenant_origins (
    tenant_id TEXT NOT NULL REFERENCES corsc_tenants (id) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (tenant_id, position)
);

CREATE TABLE corsc_tenant_changes (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL
);

CREATE FUNCTION corsc_tenant_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO corsc_tenant_changes (tenant_id) VALUES (OLD.id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO corsc_tenant_changes (tenant_id) VALUES (NEW.id);
    END IF;
    PERFORM pg_notify('corsc_tenants', '');
    RETURN NULL;
END $$;

CREATE FUNCTION corsc_tenant_origin_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO corsc_tenant_changes (tenant_id) VALUES (OLD.tenant_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO corsc_tenant_changes (tenant_id) VALUES (NEW.tenant_id);
    END IF;
    PERFORM pg_notify('corsc_tenants', '');
    RETURN NULL;
END $$;

CREATE TRIGGER corsc_tenants_changed AFTER INSERT OR UPDATE OR DELETE ON corsc_tenants
    FOR EACH ROW EXECUTE FUNCTION corsc_tenant_changed();

CREATE TRIGGER corsc_tenant_origins_changed AFTER INSERT OR UPDATE OR DELETE ON corsc_tenant_origins
    FOR EACH ROW EXECUTE FUNCTION corsc_tenant_origin_changed();
