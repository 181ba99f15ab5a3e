-- Last step of CREATE EXTENSION: schedule the pg_cron jobs (85_schedule.sql).
-- CREATE EXTENSION mutes notices while its script runs; the one telling how to schedule the jobs
-- must be seen. (The setting returns to the user's own when the script ends.)
SET client_min_messages = notice;
SELECT leadroute.schedule_jobs();
