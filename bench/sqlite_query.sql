-- NPS / CSAT / CES per (ISO week, channel), the sqlite3 equivalent of
--   cxpulse report --metric nps,csat,ces --by week,channel
-- sqlite3 3.40 has no %G/%V, so the ISO week is computed exactly from the
-- Thursday of the row's week: date(time, '-3 days', 'weekday 4') is that
-- Thursday, its year is the ISO year and (day of year - 1) / 7 + 1 the ISO week.
-- Default scales: CSAT top-2-box is score >= 4, CES is the plain mean.
.headers on
.mode csv
SELECT printf('%s-W%02d', strftime('%Y', thu), (strftime('%j', thu) - 1) / 7 + 1) AS week,
       channel,
       sum(metric = 'nps')                AS n_nps,
       sum(metric = 'nps' AND score >= 9) AS promoters,
       sum(metric = 'nps' AND score <= 6) AS detractors,
       100.0 * (sum(metric = 'nps' AND score >= 9) - sum(metric = 'nps' AND score <= 6))
             / nullif(sum(metric = 'nps'), 0) AS nps,
       sum(metric = 'csat')               AS n_csat,
       100.0 * sum(metric = 'csat' AND score >= 4) / nullif(sum(metric = 'csat'), 0) AS csat,
       sum(metric = 'ces')                AS n_ces,
       avg(CASE WHEN metric = 'ces' THEN score END) AS ces
FROM (SELECT date(time, '-3 days', 'weekday 4') AS thu, channel, metric, score FROM responses)
GROUP BY week, channel
ORDER BY week, channel;
