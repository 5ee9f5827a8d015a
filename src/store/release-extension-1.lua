--[[
  Compare-and-delete: frees the extension only if this holder still has it, so a late release from a call that
  already lost its reservation (job cleaned up, extension handed on) never frees someone else's.

  KEYS[1]  hash extensionId -> "<jobId> <callId>" (hh:ext:reservations)
  ARGV[1]  extension id
  ARGV[2]  holder value "<jobId> <callId>"

  Returns: 1 when freed, 0 when the extension was free or held by another call.
]]
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
