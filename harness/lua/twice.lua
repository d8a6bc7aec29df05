-- twice.lua - the harness's wrk script. It checks every response under load
-- (not only counts them), spreads wrk's threads over the servers' ports for
-- the direct front, and ends with one line for twice to read:
--     TWICE_RESULT {json}
-- The line carries wrk's whole latency histogram, so that twice can merge the
-- results of several clients exactly (harness/src/load/load_merge.c).
-- Settings come from the environment, which every Lua state wrk makes can read:
--   TWICE_CHECK    status | plaintext | json | ctx
--   TWICE_ROUTE    the path to request; "{id}" in it becomes a unique id per request
--   TWICE_SERVERS  "host:port,..." ([v6]:port): thread i goes to server i mod n (direct
--                  front); unset: the URL's

local check = os.getenv("TWICE_CHECK") or "status"
local route = os.getenv("TWICE_ROUTE") or "/"
local servers = os.getenv("TWICE_SERVERS")
local threads = {}

function setup(thread)
   thread:set("thread_id", #threads + 1)
   if servers then
      local list = {}
      for server in string.gmatch(servers, "[^,]+") do
         list[#list + 1] = server
      end
      local host, port = string.match(list[(#threads % #list) + 1], "^%[?(.-)%]?:(%d+)$")
      thread.addr = wrk.lookup(host, port)[1]
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

-- A strict JSON validator (wrk's LuaJIT has no JSON library): true when s is one JSON
-- value, with nothing but whitespace around it.
local function json_valid(s)
   local pos = 1
   local value
   local function space()
      pos = string.find(s, "[^ \t\r\n]", pos) or #s + 1
   end
   local function literal(word)
      if string.sub(s, pos, pos + #word - 1) ~= word then return false end
      pos = pos + #word
      return true
   end
   local function str()
      pos = pos + 1
      while pos <= #s do
         local c = string.sub(s, pos, pos)
         if c == '"' then pos = pos + 1; return true end
         if c == "\\" then
            local e = string.sub(s, pos + 1, pos + 1)
            if e == "u" then
               if not string.find(string.sub(s, pos + 2, pos + 5), "^%x%x%x%x$") then return false end
               pos = pos + 6
            elseif string.find(e, '^["\\/bfnrt]$') then
               pos = pos + 2
            else
               return false
            end
         elseif string.byte(c) < 32 then
            return false
         else
            pos = pos + 1
         end
      end
      return false
   end
   local function number()
      local s2, e2 = string.find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not s2 or string.find(string.sub(s, s2, e2), "^-?0%d") then return false end
      pos = e2 + 1
      return true
   end
   local function members(close, item)
      pos = pos + 1
      space()
      if string.sub(s, pos, pos) == close then pos = pos + 1; return true end
      while true do
         if not item() then return false end
         space()
         local c = string.sub(s, pos, pos)
         pos = pos + 1
         if c == close then return true end
         if c ~= "," then return false end
         space()
      end
   end
   value = function()
      space()
      local c = string.sub(s, pos, pos)
      if c == "{" then
         return members("}", function()
            if string.sub(s, pos, pos) ~= '"' or not str() then return false end
            space()
            if string.sub(s, pos, pos) ~= ":" then return false end
            pos = pos + 1
            return value()
         end)
      elseif c == "[" then
         return members("]", value)
      elseif c == '"' then
         return str()
      elseif c == "t" then
         return literal("true")
      elseif c == "f" then
         return literal("false")
      elseif c == "n" then
         return literal("null")
      end
      return number()
   end
   if not value() then return false end
   space()
   return pos == #s + 1
end

local function body_ok(body)
   if check == "plaintext" then
      return body == "Hello, World!"
   elseif check == "json" then
      return json_valid(body)
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

-- The most (latency, count) pairs the line carries; beyond it the histogram is left out and
-- its size said instead (LOAD_HISTOGRAM_MAX_BINS in harness/src/load/load_histogram.h).
local HISTOGRAM_MAX_BINS = 100000

-- wrk's stats object, read in place through LuaJIT's FFI. latency(i) walks the histogram from
-- its smallest latency up to the i-th one, so reading every bin through it costs the sum of
-- their distances from the minimum: minutes for a histogram spread over wrk's 10 s timeout.
-- This layout (wrk 4's src/stats.h) is used only once it agrees with what the public calls
-- say; otherwise the bins come from latency(i), slower but the same.
local ffi_ok, ffi = pcall(require, "ffi")
if ffi_ok then
   ffi_ok = pcall(ffi.cdef, [[
      typedef struct { uint64_t count, limit, min, max; uint64_t data[?]; } twice_wrk_stats;
   ]])
end

local function bins_in_place(latency, n)
   if not ffi_ok then return nil end
   local s = ffi.cast("twice_wrk_stats **", latency)[0]
   local lo, hi = tonumber(s.min), tonumber(s.max)
   if lo ~= latency.min or hi ~= latency.max or tonumber(s.limit) <= hi then return nil end
   local bins = {}
   for v = lo, hi do
      local c = tonumber(s.data[v])
      if c ~= 0 then bins[#bins + 1] = string.format("[%d,%d]", v, c) end
   end
   local first_v, first_c = latency(1)
   if #bins ~= n or bins[1] ~= string.format("[%d,%d]", first_v, first_c) then return nil end
   return bins
end

local function bins_through_calls(latency, n)
   local bins = {}
   for i = 1, n do
      local v, c = latency(i)
      bins[i] = string.format("[%d,%d]", v, c)
   end
   return bins
end

-- '"histogram":[[us,count],...]' for every distinct latency, in increasing order, or null
-- and "histogram_bins" when there are more than HISTOGRAM_MAX_BINS.
local function histogram_json(latency)
   local n = #latency
   if n > HISTOGRAM_MAX_BINS then
      return string.format('"histogram":null,"histogram_bins":%d', n)
   end
   local bins = n > 0 and (bins_in_place(latency, n) or bins_through_calls(latency, n)) or {}
   return '"histogram":[' .. table.concat(bins, ",") .. "]"
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
      '"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p99_9":%d},%s}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      non2xx_total, failed_total, #threads,
      latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(75), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9), histogram_json(latency)))
end
