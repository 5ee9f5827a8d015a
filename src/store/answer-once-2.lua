-- Appends an effect's result to the job's stream only the first time that effect is answered, so a re-run
-- after a takeover cannot answer it twice.
-- KEYS[1] set of answered intent ids   KEYS[2] the job's events stream
-- ARGV[1] intent id   ARGV[2] the stream message (JSON)
-- Returns 1 when appended, 0 when the intent was already answered.
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('XADD', KEYS[2], '*', 'm', ARGV[2])
  return 1
end
return 0
