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

-- The candidates are read with HMGET, a thousand at a time, not one HGET each: a job names every hunt-enabled
-- extension, and a command per candidate per dial was bench:load's largest Redis cost (1,500 candidates, 3,249
-- HGET/s). One pass finds the holder's own extension (idempotence) and the first free one.
local CHUNK = 1000
local free
for first = 2, #ARGV, CHUNK do
  local last = math.min(first + CHUNK - 1, #ARGV)
  local values = redis.call('HMGET', key, unpack(ARGV, first, last))
  for j = 1, last - first + 1 do
    local value = values[j]
    if value == holder then
      return ARGV[first + j - 1]
    end
    if not value and not free then
      free = first + j - 1
    end
  end
end

if free then
  redis.call('HSETNX', key, ARGV[free], holder)
  return ARGV[free]
end

return false
