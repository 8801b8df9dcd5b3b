-- `partnerships.changes` counts the changes to what a partnership's
-- agreement in force is read from: its versions and their signatures, its
-- members (and their names and addresses), its pauses and its check-ins.
-- The app caches the agreement in force, parsed, with its schedule and
-- history, and keeps using a cached copy only while this count is the one
-- it was read with; triggers keep the count, so that no write, today's or
-- a later one, can change the history without the cache seeing it, in
-- this process or in another sharing the database.
-- Released migrations are never edited; add a new file instead.
ALTER TABLE partnerships ADD COLUMN changes BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION count_partnership_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE partnerships SET changes = changes + 1 WHERE id = OLD.partnership_id;
        RETURN OLD;
    END IF;
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
    IF TG_OP = 'UPDATE' AND OLD.partnership_id <> NEW.partnership_id THEN
        UPDATE partnerships SET changes = changes + 1 WHERE id = OLD.partnership_id;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER versions_counts AFTER INSERT OR UPDATE OR DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION count_partnership_change();

CREATE TRIGGER signatures_counts AFTER INSERT OR UPDATE OR DELETE ON signatures
    FOR EACH ROW EXECUTE FUNCTION count_partnership_change();

CREATE TRIGGER pauses_counts AFTER INSERT OR UPDATE OR DELETE ON pauses
    FOR EACH ROW EXECUTE FUNCTION count_partnership_change();

CREATE TRIGGER checkins_counts AFTER INSERT OR UPDATE OR DELETE ON checkins
    FOR EACH ROW EXECUTE FUNCTION count_partnership_change();

CREATE TRIGGER memberships_counts AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION count_partnership_change();

CREATE FUNCTION count_member_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email THEN
        UPDATE partnerships SET changes = changes + 1
        WHERE id IN (SELECT partnership_id FROM memberships WHERE user_id = NEW.id);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER users_rename_counts AFTER UPDATE OF name, email ON users
    FOR EACH ROW EXECUTE FUNCTION count_member_rename();
