-- twice.lua - the harness's wrk script. It checks every response under load
-- (not only counts them), spreads wrk's threads over the servers' ports for
-- the direct front, and ends with one line for twice to read:
--     TWICE_RESULT {json}
-- Settings come from the environment, which every Lua state wrk makes can read:
--   TWICE_CHECK  status | plaintext | json | ctx
--   TWICE_ROUTE  the path to request; "{id}" in it becomes a unique id per request
--   TWICE_PORTS  "p1,p2,...": thread i goes to port i mod n (direct front); unset: the URL's

local check = os.getenv("TWICE_CHECK") or "status"
local route = os.getenv("TWICE_ROUTE") or "/"
local ports = os.getenv("TWICE_PORTS")
local threads = {}

function setup(thread)
   thread:set("thread_id", #threads + 1)
   if ports then
      local list = {}
      for port in string.gmatch(ports, "[^,]+") do
         list[#list + 1] = port
      end
      thread.addr = wrk.lookup("127.0.0.1", list[(#threads % #list) + 1])[1]
   end
   table.insert(threads, thread)
end

function init(args)
   failed = 0
   non2xx = 0
   sequence = 0
end

function request()
   sequence = sequence + 1
   local path = string.gsub(route, "{id}", thread_id .. "-" .. sequence)
   return wrk.format("GET", path)
end

local function body_ok(body)
   if check == "plaintext" then
      return body == "Hello, World!"
   elseif check == "json" then
      return string.match(body, "^%s*[%{%[].*[%}%]]%s*$") ~= nil
   elseif check == "ctx" then
      -- The server echoes the id it was sent; before and after read it through the context
      -- local on both sides of a wait: any other value is another request's context.
      local id = string.match(body, '"id":"([^"]*)"')
      local before = string.match(body, '"before":"([^"]*)"')
      local after = string.match(body, '"after":"([^"]*)"')
      return id ~= nil and id == before and id == after
   end
   return true
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   elseif not body_ok(body) then
      failed = failed + 1
   end
end

function done(summary, latency, requests)
   local failed_total, non2xx_total = 0, 0
   for _, thread in ipairs(threads) do
      failed_total = failed_total + (thread:get("failed") or 0)
      non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'TWICE_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"non2xx":%d,"failed_checks":%d,"threads":%d,' ..
      '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,' ..
      '"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p99_9":%d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      non2xx_total, failed_total, #threads,
      latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(75), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9)))
end
