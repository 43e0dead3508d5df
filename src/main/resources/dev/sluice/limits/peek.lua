-- What is left in each bucket now, taking nothing and writing nothing (the admin API's headroom).
-- KEYS[i]: bucket i. ARGV: per bucket, kind (r, t, c, s as in acquire.lua) and limit.
-- Returns {left_1, left_2, ...} as strings.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 1, #KEYS do
  local kind = ARGV[(i - 1) * 2 + 1]
  local limit = tonumber(ARGV[(i - 1) * 2 + 2])
  local a
  if kind == 'r' or kind == 't' then
    local s = redis.call('HMGET', KEYS[i], 'v', 'ts')
    local v = tonumber(s[1])
    local ts = tonumber(s[2])
    if v == nil then a = limit else a = math.min(limit, v + (now - ts) * limit / 60000) end
  elseif kind == 'c' then
    -- leases not yet expired (acquire.lua drops the expired ones; a look only skips them)
    a = limit - redis.call('ZCOUNT', KEYS[i], '(' .. now, '+inf')
  else
    a = limit - tonumber(redis.call('GET', KEYS[i]) or '0')
  end
  out[i] = tostring(a)
end
return out
