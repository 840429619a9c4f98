-- 8: the export history and the stale-export check find events by action, newest first, without
-- reading a million events.
CREATE INDEX audit_action ON audit_event(action, id);
