--[[
  Sliding-window request budget for one (credential, throttle group), checked and counted atomically.
  Time comes from the Redis server (TIME), so instances with skewed clocks share one view of the window.

  KEYS[1]  sorted set: one member per counted request, score = server time in ms
  KEYS[2]  block key of the credential (set by a 429; its PTTL is the remaining penalty)
  ARGV[1]  window length in ms
  ARGV[2]  allowance: how many requests this priority may have in the window, counting everyone's
  ARGV[3]  unique member id for this request

  Returns: { 1, 0 } when counted; { 0, retryInMs } when refused (blocked, or the window is full for this
  priority — then retryInMs is when enough old entries leave the window to bring the count under the allowance).
]]
local windowKey = KEYS[1]
local blockKey = KEYS[2]
local windowMs = tonumber(ARGV[1])
local allowance = tonumber(ARGV[2])

local blockedFor = redis.call('PTTL', blockKey)
if blockedFor > 0 then
  return { 0, blockedFor }
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- An entry counts for exactly windowMs after it was sent.
redis.call('ZREMRANGEBYSCORE', windowKey, '-inf', now - windowMs)
local count = redis.call('ZCARD', windowKey)

if count < allowance then
  redis.call('ZADD', windowKey, now, ARGV[3])
  redis.call('PEXPIRE', windowKey, windowMs)
  return { 1, 0 }
end

-- count - allowance + 1 entries must leave; the last of them (0-based index count - allowance) decides.
local entry = redis.call('ZRANGE', windowKey, count - allowance, count - allowance, 'WITHSCORES')
local retryIn = tonumber(entry[2]) + windowMs - now
if retryIn < 1 then retryIn = 1 end
return { 0, retryIn }
