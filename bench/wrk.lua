-- One script for every scenario: wrk takes a single script, and each scenario wants the same
-- machine-readable summary line. With BENCH_MISSES=N (and BENCH_THREADS = wrk's -t) each request asks
-- /api/ip-info for a different public address, 1.x.y.z, N in all split evenly across threads; after
-- that a thread asks for its addresses again, which are then cache hits.
local misses = tonumber(os.getenv("BENCH_MISSES") or "")
local per_thread = misses and math.floor(misses / tonumber(os.getenv("BENCH_THREADS") or "1"))
local threads = {}
id = 0
sent = 0

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

if misses then
   function request()
      local n = id * per_thread + (sent % per_thread)
      sent = sent + 1
      local address = string.format("1.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
      return wrk.format("GET", "/api/ip-info/" .. address)
   end
end

function done(summary, latency, requests)
   local distinct = 0
   for _, thread in ipairs(threads) do
      distinct = distinct + math.min(tonumber(thread:get("sent")) or 0, per_thread or 0)
   end
   -- Latencies are in microseconds; errors.status counts responses with a status of 400 or more.
   io.write(string.format("RESULT requests=%d seconds=%.3f p50=%d p99=%d max=%d status_errors=%d socket_errors=%d distinct=%d\n",
      summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99), latency.max,
      summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      distinct))
end
