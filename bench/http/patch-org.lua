-- wrk script: a grain-backed write — renames the organization (one grain turn, one audit row per request).
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CRM_TOKEN")
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"name":"Bench ' .. n .. '"}')
end
