#!/usr/bin/env bash
# Start the migration demo: the Perl Dancer app (plackup), the Go service
# (examples/login) and the proxy that puts them on one origin. Both apps
# share sessions through the engine in app/config.yml (YAML by default).
#
#   examples/migrate/run.sh          # then browse http://127.0.0.1:5000/login
#   ENGINE=Memcached examples/migrate/run.sh
#
# Edit examples/migrate/routes.txt while it runs to move a route to Go.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v plackup >/dev/null || { echo "run.sh: needs plackup and Perl Dancer (apt-get install libdancer-perl libplack-perl)" >&2; exit 1; }

work=$(mktemp -d)
cp "$here/app/app.psgi" "$here/app/config.yml" "$work/"
if [ "${ENGINE:-YAML}" = "Memcached" ]; then
  sed -i 's/^session: "YAML".*/session: "Memcached"/; s/^# memcached_servers/memcached_servers/' "$work/config.yml"
fi
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

(cd "$root" && go build -o "$work/login" ./examples/login && go build -o "$work/proxy" ./examples/migrate/proxy)
(cd "$work" && plackup --host 127.0.0.1 --port 5001 -E deployment app.psgi) &
"$work/login" -addr 127.0.0.1:5002 -config "$work/config.yml" &
"$work/proxy" -addr 127.0.0.1:5000 -perl http://127.0.0.1:5001 -go http://127.0.0.1:5002 -routes "$here/routes.txt" &

echo "Perl app:   http://127.0.0.1:5001   Go service: http://127.0.0.1:5002"
echo "Browse:     http://127.0.0.1:5000/login   (sessions in $work/sessions)"
echo "Routes:     $here/routes.txt — add '/home go' to move /home to Go"
wait
