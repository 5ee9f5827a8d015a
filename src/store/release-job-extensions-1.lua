--[[
  Frees every extension a job holds (job end, crash recovery). HGETALL is bounded here: the hash holds one field
  per reserved extension, at most a few hundred.

  KEYS[1]  hash extensionId -> "<jobId> <callId>" (hh:ext:reservations)
  ARGV[1]  value prefix "<jobId> " (the trailing space keeps job "4" from matching job "42")

  Returns: array of the freed extension ids (empty when the job held none).
]]
local prefix = ARGV[1]
local entries = redis.call('HGETALL', KEYS[1])
local freed = {}
for i = 1, #entries, 2 do
  if string.sub(entries[i + 1], 1, #prefix) == prefix then
    redis.call('HDEL', KEYS[1], entries[i])
    freed[#freed + 1] = entries[i]
  end
end
return freed
