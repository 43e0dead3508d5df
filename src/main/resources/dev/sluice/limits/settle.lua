-- Settles a finished request: releases its concurrency slot, corrects token and spend estimates.
-- KEYS[i]: bucket i. ARGV[1]: lease id. Then per bucket, 4 values: kind, limit, correction, ttl (ms).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do
  local base = 1 + (i - 1) * 4
  local kind = ARGV[base + 1]
  local limit = tonumber(ARGV[base + 2])
  local correction = tonumber(ARGV[base + 3])
  local ttl = tonumber(ARGV[base + 4])
  if kind == 'c' then
    redis.call('ZREM', KEYS[i], ARGV[1])
  elseif kind == 't' and correction ~= 0 then
    local s = redis.call('HMGET', KEYS[i], 'v', 'ts')
    local v = tonumber(s[1])
    local ts = tonumber(s[2])
    if v == nil then v = limit; ts = now end
    v = math.min(limit, v + (now - ts) * limit / 60000) - correction
    redis.call('HSET', KEYS[i], 'v', tostring(v), 'ts', now)
    redis.call('PEXPIRE', KEYS[i], 120000)
  elseif kind == 's' and correction ~= 0 then
    redis.call('INCRBYFLOAT', KEYS[i], tostring(correction))
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
return 1
