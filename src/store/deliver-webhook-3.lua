-- One webhook notification in one round trip (single Redis only: the job's stream key is derived here, not
-- declared, which a Redis Cluster refuses; there src/store/webhook-inbox.ts takes several steps instead).
-- KEYS[1] the uuid's dedup key   KEYS[2] the session map   KEYS[3] the session's parked list
-- ARGV[1] dedup TTL (s)   ARGV[2] parked TTL (s)   ARGV[3] telephonySessionId
-- ARGV[4], ARGV[5] the job stream key around the job id   ARGV[6..] the events, JSON
-- Returns 'duplicate' | 'empty' | 'job' | 'parked'. Atomic: the engine maps a session and then takes its parked
-- list, so an event is either parked before the mapping (and drained) or routed after it, never lost between.
if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then return 'duplicate' end
if #ARGV < 6 then return 'empty' end
local mapping = redis.call('HGET', KEYS[2], ARGV[3])
-- The session map holds "<jobId> <callId>"; anything else counts as unmapped, as in parseSessionMapValue.
local space = mapping and string.find(mapping, ' ', 1, true)
if space and space > 1 then
  local stream = ARGV[4] .. string.sub(mapping, 1, space - 1) .. ARGV[5]
  -- The same entry appendToJobStream writes: {"kind":"telephony","event":<event>}.
  for i = 6, #ARGV do redis.call('XADD', stream, '*', 'm', '{"kind":"telephony","event":' .. ARGV[i] .. '}') end
  return 'job'
end
redis.call('RPUSH', KEYS[3], unpack(ARGV, 6))
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 'parked'
