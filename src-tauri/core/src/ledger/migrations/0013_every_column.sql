-- 13: no schema change. The trail's states now hold every column of every table; the seed appends
-- a baseline event restating each row in the wider form.
SELECT 1;
