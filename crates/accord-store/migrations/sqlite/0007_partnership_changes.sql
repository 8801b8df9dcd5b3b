-- `partnerships.changes` counts the changes to what a partnership's
-- agreement in force is read from: its versions and their signatures, its
-- members (and their names and addresses), its pauses and its check-ins.
-- The app caches the agreement in force, parsed, with its schedule and
-- history, and keeps using a cached copy only while this count is the one
-- it was read with; triggers keep the count, so that no write, today's or
-- a later one, can change the history without the cache seeing it, in
-- this process or in another sharing the database.
-- Released migrations are never edited; add a new file instead.
ALTER TABLE partnerships ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER versions_insert_counts AFTER INSERT ON versions BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER versions_update_counts AFTER UPDATE ON versions BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER versions_delete_counts AFTER DELETE ON versions BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = OLD.partnership_id;
END;

CREATE TRIGGER signatures_insert_counts AFTER INSERT ON signatures BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER signatures_update_counts AFTER UPDATE ON signatures BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER signatures_delete_counts AFTER DELETE ON signatures BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = OLD.partnership_id;
END;

CREATE TRIGGER pauses_insert_counts AFTER INSERT ON pauses BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER pauses_update_counts AFTER UPDATE ON pauses BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER pauses_delete_counts AFTER DELETE ON pauses BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = OLD.partnership_id;
END;

CREATE TRIGGER checkins_insert_counts AFTER INSERT ON checkins BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER checkins_update_counts AFTER UPDATE ON checkins BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER checkins_delete_counts AFTER DELETE ON checkins BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = OLD.partnership_id;
END;

CREATE TRIGGER memberships_insert_counts AFTER INSERT ON memberships BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER memberships_update_counts AFTER UPDATE ON memberships BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = NEW.partnership_id;
END;

CREATE TRIGGER memberships_delete_counts AFTER DELETE ON memberships BEGIN
    UPDATE partnerships SET changes = changes + 1 WHERE id = OLD.partnership_id;
END;

CREATE TRIGGER users_rename_counts AFTER UPDATE OF name, email ON users BEGIN
    UPDATE partnerships SET changes = changes + 1
    WHERE id IN (SELECT partnership_id FROM memberships WHERE user_id = NEW.id);
END;
