-- 7: issue 13: the public topic and the filing number of a record; city-level units (the May 20
-- plan duty); who is counted in a year (professional-technical staff at the unit on the deadline):
-- left_on is the date of the state in `employment` (退休/离职/调出).
ALTER TABLE record ADD COLUMN topic TEXT;
ALTER TABLE record ADD COLUMN filing_number TEXT;
ALTER TABLE unit_profile ADD COLUMN city_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN professional INTEGER NOT NULL DEFAULT 1;
ALTER TABLE staff ADD COLUMN joined_on TEXT;
ALTER TABLE staff ADD COLUMN left_on TEXT;
