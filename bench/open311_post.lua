-- bench/open311_post.lua - wrk script: POST /open311/v2/requests.json, form-encoded, each
-- report at its own point in a 10 km box with its own text (so the duplicate search and
-- the locating work as for real reports). O311_KEY is the api_key.
local key = os.getenv("O311_KEY") or ""
local texts = {
  "%E5%B0%8F%E5%8C%BA%E9%97%A8%E5%8F%A3%E6%9C%89%E6%9A%B4%E9%9C%B2%E5%9E%83%E5%9C%BE",
  "%E8%B7%AF%E8%BE%B9%E5%9E%83%E5%9C%BE%E6%A1%B6%E6%BB%A1%E4%BA%86%E6%B2%A1%E4%BA%BA%E6%B8%85",
  "Overflowing+trash+can+at+the+corner",
  "Garbage+bags+left+on+the+sidewalk+for+days",
}
local n = 0

request = function()
  n = n + 1
  local lat = 39.85 + math.random() * 0.09
  local lon = 116.30 + math.random() * 0.12
  local body = string.format(
    "api_key=%s&service_code=0101&lat=%.6f&long=%.6f&description=%s+%d" ..
    "&first_name=Bench&phone=13800138000&email=bench%%40example.org",
    key, lat, lon, texts[(n % #texts) + 1], n)
  return wrk.format("POST", "/open311/v2/requests.json",
    {["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"}, body)
end
