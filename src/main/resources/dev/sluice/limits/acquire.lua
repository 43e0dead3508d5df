-- Checks every bucket of one request and takes them all, or none (atomic: Redis runs a script alone).
-- KEYS[i]: bucket i. ARGV[1]: lease id (concurrency). ARGV[2]: lease TTL (ms).
-- Then per bucket, 4 values: kind (r = requests/min, t = tokens/min, c = concurrency, s = spend),
-- limit, amount, ttl (ms, for spend counters).
-- Returns {1, 0, 0, left_1, left_2, ...} when admitted, {0, i, retry_ms} when bucket i refused.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = ARGV[1]
local lease_ttl = tonumber(ARGV[2])
local avail = {}
for i = 1, #KEYS do
  local base = 2 + (i - 1) * 4
  local kind = ARGV[base + 1]
  local limit = tonumber(ARGV[base + 2])
  local amount = tonumber(ARGV[base + 3])
  local a
  if kind == 'r' or kind == 't' then
    local s = redis.call('HMGET', KEYS[i], 'v', 'ts')
    local v = tonumber(s[1])
    local ts = tonumber(s[2])
    if v == nil then v = limit; ts = now end
    a = math.min(limit, v + (now - ts) * limit / 60000)
  elseif kind == 'c' then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
    a = limit - redis.call('ZCARD', KEYS[i])
  else
    a = limit - tonumber(redis.call('GET', KEYS[i]) or '0')
  end
  avail[i] = a
  if a < amount or (kind == 'c' and a < 1) then
    local retry = 1000
    if kind == 'r' or kind == 't' then
      if amount > limit then retry = -1 else retry = math.ceil((amount - a) * 60000 / limit) end
    elseif kind == 's' then
      retry = -2
    end
    return {0, i, retry}
  end
end
local out = {1, 0, 0}
for i = 1, #KEYS do
  local base = 2 + (i - 1) * 4
  local kind = ARGV[base + 1]
  local limit = tonumber(ARGV[base + 2])
  local amount = tonumber(ARGV[base + 3])
  local ttl = tonumber(ARGV[base + 4])
  local left
  if kind == 'r' or kind == 't' then
    left = avail[i] - amount
    redis.call('HSET', KEYS[i], 'v', tostring(left), 'ts', now)
    redis.call('PEXPIRE', KEYS[i], 120000)
  elseif kind == 'c' then
    redis.call('ZADD', KEYS[i], now + lease_ttl, lease)
    redis.call('PEXPIRE', KEYS[i], lease_ttl)
    left = avail[i] - 1
  else
    left = limit - tonumber(redis.call('INCRBYFLOAT', KEYS[i], tostring(amount)))
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
  out[#out + 1] = tostring(left)
end
return out
