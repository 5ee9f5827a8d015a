-- Claims the job's one winner record for a call, fenced by a counter that only rises.
-- KEYS[1] winner hash {callId, token, state}   KEYS[2] fence counter
-- ARGV[1] callId
-- Returns {1, token} when this call holds the claim (new, or already its own live claim),
--         {0, token, winnerCallId, state} when another call holds it.
-- A claim whose transfer failed (state 'failed') may be taken over by the next candidate.
local callId = ARGV[1]
local current = redis.call('HMGET', KEYS[1], 'callId', 'token', 'state')
if current[1] and current[3] ~= 'failed' then
  if current[1] == callId then
    return {1, tonumber(current[2])}
  end
  return {0, tonumber(current[2]), current[1], current[3]}
end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'callId', callId, 'token', token, 'state', 'claimed')
return {1, token}
