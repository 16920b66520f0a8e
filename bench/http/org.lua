-- wrk script: GET or PATCH /api/orgs/{org}, round-robin per request over the first CRM_SPREAD organizations
-- of CRM_ORGS (a Lua file returning { {id=..., token=...}, ... }), each with its own admin bearer token.
-- CRM_METHOD=PATCH renames the organization (one organization-grain write and one audit row per request);
-- the name carries the wrk thread and request number, so no request is a no-op.
local orgs = dofile(os.getenv("CRM_ORGS"))
local method = os.getenv("CRM_METHOD") or "GET"
local spread = tonumber(os.getenv("CRM_SPREAD") or "1")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
function request()
  n = n + 1
  local org = orgs[((n + (tid or 0)) % spread) + 1]
  local headers = { ["Authorization"] = "Bearer " .. org.token }
  if method == "PATCH" then
    headers["Content-Type"] = "application/json"
    return wrk.format("PATCH", "/api/orgs/" .. org.id, headers, '{"name":"Bench ' .. (tid or 0) .. "." .. n .. '"}')
  end
  return wrk.format("GET", "/api/orgs/" .. org.id, headers)
end
