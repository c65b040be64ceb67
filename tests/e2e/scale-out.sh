#!/usr/bin/env bash
# Scale-out check: nginx in front of two instances sharing one Redis, against a loopback ip-api.com
# stand-in. Prints PASS/FAIL per check, exits non-zero on any failure, stops everything it started.
# Needs: dotnet, redis-server, nginx, wrk, curl, python3. See docs/deploy.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

work=$(mktemp -d /tmp/razoripinfo-scale.XXXXXX)
pids=()
failures=0

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then echo "Kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_port6() { python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0)); print(s.getsockname()[1])'; }
wait_for() { # url, seconds, pid that must stay alive
  for _ in $(seq 1 $(($2 * 10))); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
upstream_count() { curl -fs "http://127.0.0.1:$emulator_port/__count"; }

echo "Publishing to $work/publish ..."
dotnet publish src/RazorIpInfo -c Release -o "$work/publish" --nologo -v quiet >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log"; echo "FAIL  publish"; exit 1; }

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
redis_pid=$!; pids+=("$redis_pid")

dotnet build tests/IpApiEmulator -c Release -o "$work/emulator" --nologo -v quiet >"$work/emulator-build.log" 2>&1 \
  || { cat "$work/emulator-build.log"; echo "FAIL  emulator build"; exit 1; }
emulator_port=$(free_port)
dotnet "$work/emulator/IpApiEmulator.dll" --port "$emulator_port" >"$work/emulator.log" 2>&1 &
pids+=($!)

start_instance() { # port -> pid in $instance_pid
  ASPNETCORE_ENVIRONMENT=Production \
  ConnectionStrings__Redis="127.0.0.1:$redis_port" \
  Cache__KeySecret="scale-out-test-secret-0123456789" \
  IpApi__BaseUrl="http://127.0.0.1:$emulator_port" Tor__ExitListUrl= Rdap__BootstrapBaseUrl= \
  Lookup__Providers__0=ip-api \
  RateLimits__LookupsPerMinute=100000 RateLimits__OwnCardPerMinute=100000 RateLimits__ConcurrentRequestsPerClient=1000 \
  DualStack__SiteHost=site.test DualStack__Ipv4Host=v4.test DualStack__Ipv6Host=v6.test \
  dotnet "$work/publish/RazorIpInfo.dll" --urls "http://127.0.0.1:$1" >"$work/instance-$1.log" 2>&1 &
  instance_pid=$!
}
port1=$(free_port); start_instance "$port1"; pid1=$instance_pid; pids+=("$pid1")
port2=$(free_port); start_instance "$port2"; pid2=$instance_pid; pids+=("$pid2")

nginx_port=$(free_port)
nginx6_port=$(free_port6)
mkdir -p "$work/nginx"
# Started as root, nginx's workers run as nobody and buffer large request bodies under $work/nginx/body.
chmod 755 "$work"
# The sizes and times under test are the shipped ones, taken from deploy/nginx.conf itself.
body_size=$(awk '$1 == "client_max_body_size" {sub(";", "", $2); print $2; exit}' deploy/nginx.conf)
read_timeout=$(awk '$1 == "proxy_read_timeout" {sub(";", "", $2); print $2; exit}' deploy/nginx.conf)
[ -n "$body_size" ] && [ -n "$read_timeout" ] || { echo "FAIL  deploy/nginx.conf sets no client_max_body_size or proxy_read_timeout"; exit 1; }
# deploy/nginx.conf with free ports and a private prefix. The test's curl and wrk stand for a front
# load balancer on loopback, so nginx takes the client from the X-Forwarded-For they send.
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log $work/nginx/access.log;
  client_max_body_size $body_size;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream razoripinfo {
    server 127.0.0.1:$port1 max_fails=1 fail_timeout=5s;
    server 127.0.0.1:$port2 max_fails=1 fail_timeout=5s;
    keepalive 16;
  }
  set_real_ip_from 127.0.0.1;
  real_ip_header X-Forwarded-For;
  server {
    listen 127.0.0.1:$nginx_port;
    listen [::1]:$nginx6_port;
    location / {
      proxy_pass http://razoripinfo;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 1s;
      proxy_read_timeout $read_timeout;
    }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -e "$work/nginx/error.log" &
pids+=($!)

for started in "$port1/healthz $pid1" "$port2/healthz $pid2" "$emulator_port/__count ${pids[1]}" "$nginx_port/healthz ${pids[4]}"; do
  set -- $started
  wait_for "http://127.0.0.1:$1" 60 "$2" || { fail "start-up: 127.0.0.1:$1 did not answer"; tail -5 "$work"/*.log; exit 1; }
done
echo "Started: redis :$redis_port, emulator :$emulator_port, instances :$port1 :$port2, nginx :$nginx_port [::1]:$nginx6_port"
nginx_url="http://127.0.0.1:$nginx_port"

# 1. The client address reaches the site through nginx.
seen=$(curl -fs -H 'X-Forwarded-For: 8.8.8.8' -H 'Accept: text/plain' "$nginx_url/ip")
[ "$seen" = "8.8.8.8" ] && pass "client address through nginx: $seen" || fail "client address through nginx: got '$seen', want 8.8.8.8"

# 2. One instance's lookup is served by the other from Redis.
before=$(upstream_count)
a=$(curl -fs -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port1/api/ip-info/1.1.1.1")
b=$(curl -fs -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port2/api/ip-info/1.1.1.1")
after=$(upstream_count)
if [ "$a$b" = "200200" ] && [ $((after - before)) -eq 1 ]; then
  pass "instance 2 served instance 1's lookup from Redis (upstream calls: $((after - before)))"
else
  fail "shared cache: statuses $a/$b, upstream calls $((after - before)) (want 200/200, 1)"
fi

# 3. Stopping instance 1 during a load run through nginx loses at most the requests in flight.
wrk -t2 -c8 -d8s "$nginx_url/api/ip-info/8.8.8.8" >"$work/wrk-stop.txt" 2>&1 &
wrk_pid=$!
sleep 3
kill -TERM "$pid1"
wait "$wrk_pid"
requests=$(awk '/requests in/ {print $1}' "$work/wrk-stop.txt")
non2xx=$(awk -F': *' '/Non-2xx/ {print $2}' "$work/wrk-stop.txt"); non2xx=${non2xx:-0}
errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$work/wrk-stop.txt"); errors=${errors:-0}
if [ "${requests:-0}" -gt 0 ] && [ $((non2xx + errors)) -le 8 ]; then
  pass "instance 1 stopped under load: $requests requests, $non2xx non-2xx, $errors socket errors"
else
  fail "instance 1 stopped under load: ${requests:-0} requests, $non2xx non-2xx, $errors socket errors"; cat "$work/wrk-stop.txt"
fi

# 4. Stopping Redis during a run gives no 5xx.
: >"$work/nginx/access.log"
wrk -t2 -c4 -d5s "$nginx_url/api/ip-info/8.8.8.8" >"$work/wrk-redis.txt" 2>&1 &
wrk_pid=$!
sleep 2
kill -TERM "$redis_pid"
fresh=$(curl -s -o /dev/null -w '%{http_code}' "$nginx_url/api/ip-info/9.9.9.9")
wait "$wrk_pid"
served=$(wc -l <"$work/nginx/access.log")
server_errors=$(awk '$9 ~ /^5/' "$work/nginx/access.log" | wc -l)
if [ "$server_errors" -eq 0 ] && [ "$fresh" = 200 ] && [ "$served" -gt 0 ]; then
  pass "Redis stopped under load: $served requests, no 5xx; a new address still looked up (HTTP $fresh)"
else
  fail "Redis stopped under load: $served requests, $server_errors 5xx, new address HTTP $fresh"
fi

# 5. The lookup counters moved on the instance that is still running.
found=$(curl -fs "http://127.0.0.1:$port2/metrics" | awk '/^razoripinfo_lookups_total\{/ && /outcome="found"/ {sum += $NF} END {print sum + 0}')
if [ "${found%.*}" -gt 0 ]; then
  pass "/metrics on instance 2: razoripinfo_lookups_total{outcome=\"found\"} = $found"
else
  fail "/metrics on instance 2 shows no found lookups"
fi

# 6. The family hosts through nginx: the site compares the family of the client nginx reports with the
#    host's, whether the client reached nginx over IPv6 itself or a front balancer reported it.
family_v6=$(curl -s -H 'Host: v6.test' "http://[::1]:$nginx6_port/family")
misdirected=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: v6.test' "http://127.0.0.1:$nginx_port/family")
reported=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: v6.test' -H 'X-Forwarded-For: 2001:db8::7' "http://127.0.0.1:$nginx_port/family")
line=$(curl -s -H 'Host: v4.test' -H 'Accept: text/plain' "http://[::1]:$nginx6_port/")
if [[ "$family_v6" == *'>::1</a>'* ]] && [ "$misdirected" = 421 ] && [ "$reported" = 200 ] && [[ "$line" == "Misdirected request: v4.test answers only over IPv4"* ]]; then
  pass "family hosts through nginx: v6.test over IPv6 shows ::1, over IPv4 421, reported IPv6 client 200; v4.test over IPv6: $line"
else
  fail "family hosts through nginx: v6.test over IPv6 '${family_v6:0:80}', over IPv4 HTTP $misdirected, reported IPv6 HTTP $reported, v4.test over IPv6 '$line'"
fi

# 7. The documented sizes and times pass through nginx: a batch body just under the site's 1 MB
#    (Bulk:MaxInputBytes) and a bulk-page form of 2 MB (text and file, 1 MB each) are not refused by nginx
#    (its default client_max_body_size is 1 MB), and nginx waits longer than the site's bulk deadline
#    (RequestLimits:BulkRequestTimeout, 12 s by default), so that the site's own answer arrives first.
python3 - "$work/batch.json" "$work/form.txt" <<'PY'
import sys
addresses = '["8.8.8.8", "1.1.1.1", "10.0.0.1"'
with open(sys.argv[1], "w") as f:
    f.write(addresses + " " * (1024 * 1024 - 64 - len(addresses)) + "]")
with open(sys.argv[2], "w") as f:
    f.write("8.8.8.8 " + "x" * (1024 * 1024 - 64))
PY
batch=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$work/batch.json" "$nginx_url/api/ip-info/batch")
form=$(curl -s -o /dev/null -w '%{http_code}' -F "text=<$work/form.txt" -F "file=@$work/form.txt" "$nginx_url/bulk")
if [ "$batch" = 200 ] && [ "$form" != 413 ] && [ "${read_timeout%s}" -gt 12 ]; then
  # The form carries no antiforgery token, so the site answers 400 once it has read it: what matters is that nginx let it through.
  pass "sizes through nginx (client_max_body_size $body_size): 1 MB batch HTTP $batch, 2 MB bulk form HTTP $form (not 413); proxy_read_timeout $read_timeout > 12 s bulk deadline"
else
  fail "sizes through nginx (client_max_body_size $body_size): 1 MB batch HTTP $batch (want 200), 2 MB bulk form HTTP $form (want not 413), proxy_read_timeout $read_timeout (want > 12s)"
fi

[ "$failures" -eq 0 ] && echo "All checks passed." || echo "$failures check(s) failed."
exit $(( failures > 0 ))
