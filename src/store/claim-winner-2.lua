-- Claims the job's one winner record for a call, fenced by a counter that only rises.
-- KEYS[1] winner hash {callId, token, state, intentId}   KEYS[2] fence counter
-- ARGV[1] callId   ARGV[2] id of the claim-winner intent (the job's claims rise with it)
-- Returns {1, token} when the claim is granted: a new record, a record whose hand-off failed, a claim the job
--         gave up on (a later intent supersedes a record still only `claimed`), or a re-run of the same intent;
--         {0, token, winnerCallId, state} otherwise.
local callId, intentId = ARGV[1], tonumber(ARGV[2])
local current = redis.call('HMGET', KEYS[1], 'callId', 'token', 'state', 'intentId')
local state, heldBy = current[3], tonumber(current[4] or '0')
if current[1] then
  if heldBy == intentId then
    return {1, tonumber(current[2])}
  end
  local superseded = state == 'claimed' and heldBy < intentId
  if state ~= 'failed' and not superseded then
    return {0, tonumber(current[2]), current[1], state}
  end
end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'callId', callId, 'token', token, 'state', 'claimed', 'intentId', intentId)
return {1, token}
