#!/usr/bin/env bash
# Builds the Debian package with cargo-deb and checks it for real: its contents and conffiles,
# then — as root on a Debian machine where the package is not installed yet — install, upgrade
# (a local edit of the configuration survives), remove (configuration and outbox kept) and purge
# (configuration gone, outbox kept).
#
# CI packs the debug binary it has already built (`--profile dev --no-build`, stripped) so that
# checking the packaging does not cost a second, optimised build; a release package is built with
# plain `cargo deb`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the packaging metadata is checked against this cargo-deb.
CARGO_DEB_VERSION=3.8.0
if ! cargo deb --version 2>/dev/null | grep -q "$CARGO_DEB_VERSION"; then
    echo "==> cargo install cargo-deb $CARGO_DEB_VERSION"
    cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked --quiet
fi
[ -x target/debug/gs1-gateway ] || cargo build --bin gs1-gateway

out=target/debian-check
rm -rf "$out"
mkdir -p "$out"
pack() { # pack VERSION → path of the .deb
    cargo deb --profile dev --no-build --fast --deb-version "$1" -o "$out/gs1-gateway_$1.deb" 2>&1 |
        grep -v -E "dev profile is not supported|To enable debug symbols" >&2 || true
    echo "$out/gs1-gateway_$1.deb"
}
first=$(pack 0.0.0~ci1-1)
second=$(pack 0.0.0~ci2-1)

fail() { echo "verify-deb: $*" >&2; exit 1; }

echo "==> package contents"
contents=$(dpkg-deb -c "$first")
for path in ./usr/bin/gs1-gateway ./etc/gs1-gateway/gs1-gateway.toml \
    ./usr/lib/systemd/system/gs1-gateway.service ./lib/udev/rules.d/60-gs1-gateway.rules \
    ./usr/lib/sysusers.d/gs1-gateway.conf ./usr/share/doc/gs1-gateway/examples/theatre.toml \
    ./usr/share/doc/gs1-gateway/LICENSE-gs1-syntax-dictionary.txt; do
    grep -q " $path\$" <<<"$contents" || fail "$path missing from the package"
done
dpkg-deb -f "$first" Depends | grep -q systemd || fail "the package must depend on systemd"
[ "$(dpkg-deb --ctrl-tarfile "$first" | tar -xO ./conffiles)" = "/etc/gs1-gateway/gs1-gateway.toml" ] ||
    fail "the configuration must be the package's only conffile"

if [ "$(id -u)" -ne 0 ] || ! command -v dpkg >/dev/null; then
    echo "verify-deb: not root on a dpkg system; install/upgrade/remove not checked" >&2
    exit 0
fi
if dpkg-query -W -f '${Status}' gs1-gateway 2>/dev/null | grep -q "ok installed"; then
    echo "verify-deb: gs1-gateway is already installed here; install/upgrade/remove not checked" >&2
    exit 0
fi

echo "==> install"
DEBIAN_FRONTEND=noninteractive dpkg -i "$first" >/dev/null
getent passwd gs1-gateway >/dev/null || fail "no gs1-gateway user after install"
groups=$(id -nG gs1-gateway)
for g in dialout input video; do
    grep -qw "$g" <<<"$groups" || fail "gs1-gateway is not in group $g ($groups)"
done
[ -d /etc/gs1-gateway/conf.d ] || fail "/etc/gs1-gateway/conf.d not created"
[ -L /etc/systemd/system/multi-user.target.wants/gs1-gateway.service ] ||
    fail "the unit is not enabled after install"
/usr/bin/gs1-gateway check-config /etc/gs1-gateway/gs1-gateway.toml >/dev/null ||
    fail "the installed default configuration does not pass check-config"

echo "==> upgrade keeps a local edit and the outbox"
echo "# edited on this box" >>/etc/gs1-gateway/gs1-gateway.toml
mkdir -p /var/lib/gs1-gateway/outbox
touch /var/lib/gs1-gateway/outbox/marker
DEBIAN_FRONTEND=noninteractive dpkg -i "$second" >/dev/null
[ "$(dpkg-query -W -f '${Version}' gs1-gateway)" = "0.0.0~ci2-1" ] || fail "upgrade did not install"
grep -q "edited on this box" /etc/gs1-gateway/gs1-gateway.toml || fail "upgrade lost a local edit"

echo "==> remove keeps configuration and outbox"
dpkg -r gs1-gateway >/dev/null
[ ! -e /usr/bin/gs1-gateway ] || fail "binary left after remove"
[ -f /etc/gs1-gateway/gs1-gateway.toml ] || fail "remove deleted the configuration"
[ -f /var/lib/gs1-gateway/outbox/marker ] || fail "remove deleted the outbox"

echo "==> purge removes configuration, never the outbox"
dpkg -P gs1-gateway >/dev/null
[ ! -e /etc/gs1-gateway ] || fail "purge left /etc/gs1-gateway"
[ -f /var/lib/gs1-gateway/outbox/marker ] || fail "purge deleted the outbox"
rm -rf /var/lib/gs1-gateway
echo "verify-deb: ok"
