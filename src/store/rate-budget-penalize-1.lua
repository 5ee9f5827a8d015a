--[[
  Blocks a credential after a 429. Never shortens a longer block already in place (two instances may report
  429s with different Retry-After values).

  KEYS[1]  block key of the credential
  ARGV[1]  block length in ms

  Returns: the remaining block in ms after the call.
]]
local ms = tonumber(ARGV[1])
local current = redis.call('PTTL', KEYS[1])
if current < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
  return ms
end
return current
