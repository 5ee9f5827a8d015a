-- Runs a batch of writes only while the caller still owns the job (src/store/owner-fence.ts).
-- KEYS[1]: the job's owner epoch; KEYS[2..]: the keys the writes touch (declared for a cluster: they share KEYS[1]'s
-- hash tag, so the whole batch runs in one slot).
-- ARGV[1]: the epoch the caller claimed; ARGV[2..]: the writes, each as its argument count, then the command and its
-- arguments.
-- Returns 1 when the writes were made, 0 when another owner has claimed the job since (nothing written).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local i = 2
while i <= #ARGV do
  local count = tonumber(ARGV[i])
  redis.call(unpack(ARGV, i + 1, i + count))
  i = i + count + 1
end
return 1
