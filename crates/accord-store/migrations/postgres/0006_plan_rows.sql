-- Planning reads schedule_plans alone: every partnership with a version in
-- force has a row, -1 while that version is not planned yet (signing and
-- importing write it from now on; this adds it for those signed before),
-- and the index serves "plans ending before T, earliest first" without a
-- scan of partnerships or a sort.
-- Released migrations are never edited; add a new file instead.
INSERT INTO schedule_plans (partnership_id, planned_until)
SELECT DISTINCT v.partnership_id, -1 FROM versions v
WHERE v.signed_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM schedule_plans s WHERE s.partnership_id = v.partnership_id);
CREATE INDEX schedule_plans_by_until ON schedule_plans (planned_until, partnership_id);
