#!/usr/bin/env bash
# Start the migration demo: the Perl Dancer app (plackup), the Go service
# (examples/login) and the proxy that puts them on one origin. Both apps
# share sessions through the engine in app/config.yml (YAML by default).
#
#   examples/migrate/run.sh          # then browse http://127.0.0.1:5000/login
#   ENGINE=Memcached MEMCACHED=127.0.0.1:11211 examples/migrate/run.sh
#
# Edit the route table (examples/migrate/routes.txt, or $ROUTES) while it
# runs to move a route to Go. Ports: $PROXY_PORT (5000), $PERL_PORT (5001),
# $GO_PORT (5002).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PROXY_PORT=${PROXY_PORT:-5000}
PERL_PORT=${PERL_PORT:-5001}
GO_PORT=${GO_PORT:-5002}
ROUTES=${ROUTES:-$here/routes.txt}
command -v plackup >/dev/null || { echo "run.sh: needs plackup and Perl Dancer (apt-get install libdancer-perl libplack-perl)" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
cp "$here/app/app.psgi" "$here/app/config.yml" "$work/"
case "${ENGINE:-YAML}" in
  YAML) ;;
  Memcached)
    sed -i "s/^session: \"YAML\".*/session: \"Memcached\"/; s/^# memcached_servers: .*/memcached_servers: \"${MEMCACHED:-127.0.0.1:11211}\"/" "$work/config.yml" ;;
  *) echo "run.sh: ENGINE is YAML or Memcached" >&2; exit 2 ;;
esac

(cd "$root" && go build -o "$work/login" ./examples/login && go build -o "$work/proxy" ./examples/migrate/proxy)
(cd "$work" && exec plackup --host 127.0.0.1 --port "$PERL_PORT" -E deployment app.psgi) &
"$work/login" -addr "127.0.0.1:$GO_PORT" -config "$work/config.yml" &
"$work/proxy" -addr "127.0.0.1:$PROXY_PORT" -perl "http://127.0.0.1:$PERL_PORT" -go "http://127.0.0.1:$GO_PORT" -routes "$ROUTES" &

echo "Perl app:   http://127.0.0.1:$PERL_PORT   Go service: http://127.0.0.1:$GO_PORT   (engine ${ENGINE:-YAML})"
echo "Browse:     http://127.0.0.1:$PROXY_PORT/login"
echo "Routes:     $ROUTES — add '/home go' to move /home to Go"
wait
