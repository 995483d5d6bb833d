-- report.lua - wrk script: GET SRVBENCH_PATH (default the everyday report
-- /api/v1/report?metric=nps,csat,ces&by=week,channel) with a read key.
-- The request never changes, so wrk sends its pre-built copy.
local dir = os.getenv("SRVBENCH_DIR") or error("SRVBENCH_DIR is not set")
dofile(dir .. "/common.lua")

wrk.method = "GET"
wrk.path = os.getenv("SRVBENCH_PATH") or "/api/v1/report?metric=nps,csat,ces&by=week,channel"
wrk.headers["Authorization"] = "Bearer " .. srv.key
