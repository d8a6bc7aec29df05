-- twice.lua - the harness's wrk script. It checks every response under load
-- (not only counts them), spreads wrk's threads over the servers' ports for
-- the direct front, and ends with one line for twice to read:
--     TWICE_RESULT {json}
-- Settings come from the environment, which every Lua state wrk makes can read:
--   TWICE_CHECK  status | plaintext | json | ctx
--   TWICE_ROUTE  the path to request; "{id}" in it becomes a unique id per request
--   TWICE_PORTS  "p1,p2,...": thread i goes to port i mod n (direct front); unset: the URL's
--   TWICE_HOSTS  "h1,h2,...": the host of each port, in the same order; unset: 127.0.0.1

local check = os.getenv("TWICE_CHECK") or "status"
local route = os.getenv("TWICE_ROUTE") or "/"
local ports = os.getenv("TWICE_PORTS")
local hosts = os.getenv("TWICE_HOSTS")
local threads = {}

function setup(thread)
   thread:set("thread_id", #threads + 1)
   if ports then
      local list, host_list = {}, {}
      for port in string.gmatch(ports, "[^,]+") do
         list[#list + 1] = port
      end
      for host in string.gmatch(hosts or "", "[^,]+") do
         host_list[#host_list + 1] = host
      end
      local k = (#threads % #list) + 1
      thread.addr = wrk.lookup(host_list[k] or "127.0.0.1", list[k])[1]
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
