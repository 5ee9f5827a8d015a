-- Moves the winner record from one state to the next, only for the holder of the current token.
-- The claimed -> transferring step is the one and only authorisation to send a transfer request.
-- KEYS[1] winner hash   ARGV[1] token   ARGV[2] expected state   ARGV[3] new state
-- Returns 1 when moved, 0 otherwise (stale token, wrong state, or no record).
local current = redis.call('HMGET', KEYS[1], 'token', 'state')
if current[1] == ARGV[1] and current[2] == ARGV[2] then
  redis.call('HSET', KEYS[1], 'state', ARGV[3])
  return 1
end
return 0
