-- wrk script for benches/serve-load.sh: cycles through the request paths of a
-- file (one a line; each thread starts at its own place), and prints one line
-- of JSON with the figures when the run ends.
--
--   wrk -t2 -c32 -d20s --timeout 10s -s benches/serve-load.lua http://127.0.0.1:PORT -- PATHS_FILE

local paths = {}
local next_path = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("offset", thread_count * 7)
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  next_path = ((offset or 0) % #paths) + 1
end

function request()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"errors": %d, "non_2xx": %d, "timeouts": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status, e.status, e.timeout))
end
