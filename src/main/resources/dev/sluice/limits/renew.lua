-- Renews concurrency leases this node still holds: their requests are running, so their slots stay
-- taken for another lease period. A lease already gone (settled, or expired because this node
-- could not renew in time) is not brought back (ZADD XX).
-- KEYS[i]: a concurrency bucket. ARGV[1]: lease TTL (ms). ARGV[i + 1]: the lease id held in KEYS[i].
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  if redis.call('ZADD', KEYS[i], 'XX', 'CH', now + ttl, ARGV[i + 1]) == 1 then
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
return 1
