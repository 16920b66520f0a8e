-- wrk script: a grain-backed read — the organization (token lookup + a read-only grain call).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CRM_TOKEN")
