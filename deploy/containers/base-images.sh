#!/usr/bin/env bash
# Builds, without any container registry, the local images the container stack runs on here:
#
#   localhost/kudos-debian:bookworm   Debian minbase (debootstrap + podman import) with what .NET needs at run time:
#                                     ca-certificates, libicu, libssl, tzdata
#   localhost/kudos-dotnet:runtime    + this machine's .NET runtimes (dotnet host, NETCore.App, AspNetCore.App), user
#                                     `app` (uid 1654): stands in for mcr.microsoft.com/dotnet/aspnet:10.0
#   localhost/kudos-dotnet:sdk        + this machine's whole .NET SDK: stands in for mcr.microsoft.com/dotnet/sdk:10.0
#   localhost/kudos-postgres:local    Debian's postgresql, behaving like the official postgres image (POSTGRES_* and
#                                     /docker-entrypoint-initdb.d)
#   localhost/kudos-mail:local        the project's mail catcher (deploy/local/smtp_server.py, Debian's aiosmtpd):
#                                     SMTP on 1025, web and JSON API on 8025, like Mailpit
#
#   deploy/containers/base-images.sh [--rebuild]
#
# An image that exists already is kept (--rebuild makes all of them again). debootstrap uses the Debian mirror this
# machine's apt uses (read from its sources at run time); package installs inside builds use it too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
suite=bookworm

rebuild=0
[[ ${1:-} == --rebuild ]] && rebuild=1

say() { echo "base-images: $*" >&2; }

needed() { [[ $rebuild -eq 1 ]] || ! podman image exists "$1"; }

# The first Debian (not -security) mirror of this machine's apt sources, one-line or deb822 format.
debian_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i, $(i + 1); break } }' |
    awk -v s="$suite" '$2 == s { print $1; exit }')
  if [[ -z $uri ]]; then
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v s="$suite" '
      /^$/ { if (u != "" && suites ~ "(^| )" s "( |$)") { print u; exit } u = ""; suites = "" }
      /^URIs:/ { u = $2 }
      /^Suites:/ { $1 = ""; suites = $0; sub(/^ /, "", suites) }
      END { if (u != "" && suites ~ "(^| )" s "( |$)") print u }' | head -n 1)
  fi
  [[ -n $uri ]] || { say "no '$suite' source in /etc/apt/sources.list*; cannot pick a mirror for debootstrap"; return 1; }
  echo "$uri"
}

if needed localhost/kudos-debian:$suite; then
  mirror=$(debian_mirror)
  rootfs=$(mktemp -d /var/tmp/kudos-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  say "debootstrap --variant=minbase $suite (mirror from this machine's apt sources)"
  start=$SECONDS
  debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata \
    "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; exit 1; }
  rm -f "$rootfs.log"
  # Certificate authorities this machine adds to its trust store (a company's, a TLS-inspecting proxy's) are trusted
  # inside the images too, so that builds reach the package registries the way the host does.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' --quiet - localhost/kudos-debian:$suite >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  say "localhost/kudos-debian:$suite imported ($((SECONDS - start)) s)"
fi

build() {
  local tag=$1 file=$2 context=$3
  if needed "$tag"; then
    local start=$SECONDS
    # Host network: the builds that install Debian packages reach the mirror the way the host does.
    podman build --quiet --network host --layers --build-arg BASE_IMAGE=localhost/kudos-debian:$suite \
      -t "$tag" -f "$file" "$context" >/dev/null
    say "$tag built ($((SECONDS - start)) s)"
  fi
}

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
build localhost/kudos-dotnet:runtime "$here/dotnet-runtime.Containerfile" "$dotnet_root"
build localhost/kudos-dotnet:sdk "$here/dotnet-sdk.Containerfile" "$dotnet_root"
build localhost/kudos-postgres:local "$here/postgres.Containerfile" "$here"
build localhost/kudos-mail:local "$here/mail.Containerfile" "$root/deploy/local"
