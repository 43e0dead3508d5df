-- Sums one alert rule's window: the hashes ARGV[1]..slot for slot = ARGV[2], ARGV[2]+1, ..., ARGV[3].
-- Returns field, total, field, total, ... (n: samples, s: sum of values, h<i>: latency histogram bucket i).
local totals = {}
for slot = tonumber(ARGV[2]), tonumber(ARGV[3]) do
  local kv = redis.call('HGETALL', ARGV[1] .. slot)
  for i = 1, #kv, 2 do
    totals[kv[i]] = (totals[kv[i]] or 0) + tonumber(kv[i + 1])
  end
end
local flat = {}
for k, v in pairs(totals) do
  flat[#flat + 1] = k
  flat[#flat + 1] = string.format('%.17g', v)
end
return flat
