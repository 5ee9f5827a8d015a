--[[
  Reserves the first free extension among the candidates for one call (atomic: one extension, one call).
  Idempotent: when the same holder already has one of the candidates, that one is returned again, so a retried
  reserve (timeout, restored actor) never takes a second extension.

  KEYS[1]  hash extensionId -> "<jobId> <callId>" (hh:ext:reservations)
  ARGV[1]  holder value "<jobId> <callId>"
  ARGV[2..] candidate extension ids, in order of preference

  Returns: the reserved extension id, or false (nil to the client) when every candidate is taken.
]]
local key = KEYS[1]
local holder = ARGV[1]

for i = 2, #ARGV do
  if redis.call('HGET', key, ARGV[i]) == holder then
    return ARGV[i]
  end
end

for i = 2, #ARGV do
  if redis.call('HSETNX', key, ARGV[i], holder) == 1 then
    return ARGV[i]
  end
end

return false
