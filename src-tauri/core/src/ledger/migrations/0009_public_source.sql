-- 9: the review page's check of where 公需 hours come from reads only the records it could refuse
-- (a topic, or 公需 outside the city platform), not every record of the year.
CREATE INDEX record_public_source ON record(year)
  WHERE topic IS NOT NULL OR (subject = 'public' AND category NOT IN ('city_platform', 'transfer_in'));
