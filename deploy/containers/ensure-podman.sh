#!/usr/bin/env bash
# Make sure this machine can build and run the project's containers with podman, without a container registry:
#   Debian's podman, podman-compose, runc and debootstrap (installed as root with apt-get; otherwise the exact command is
#   printed and the script exits non-zero), and the two settings a machine without CAP_SYS_RESOURCE and with a hybrid
#   cgroup layout needs in /etc/containers/containers.conf: runtime = "runc" (crun refuses the layout) and
#   default_ulimits within the hard limits root has here. Fast when everything is in place.
#
#   deploy/containers/ensure-podman.sh          install/configure, then check that podman answers
#   deploy/containers/ensure-podman.sh --check  only check; exit 0 when podman can run containers here
set -euo pipefail

check_only=0
[[ ${1:-} == --check ]] && check_only=1

say() { echo "ensure-podman: $*" >&2; }

missing=()
for tool in podman podman-compose runc debootstrap; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
# Networks of the compose stack (netavark, which needs iptables) with name resolution between containers
# (aardvark-dns); fuse-overlayfs is podman's fallback where the kernel's overlay cannot be used.
for package in netavark aardvark-dns iptables; do
  dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $check_only -eq 1 ]]; then
    say "missing: ${missing[*]}"
    exit 1
  fi
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    say "missing: ${missing[*]}"
    say "install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" uidmap fuse-overlayfs >&2
fi

conf=/etc/containers/containers.conf
if [[ $(id -u) -eq 0 && $check_only -eq 0 ]] && ! grep -qs '^# kudos: podman settings' "$conf"; then
  # Appended as tables of their own only when the file does not set them already (TOML forbids a repeated table).
  if grep -qsE '^\[(containers|engine)\]' "$conf"; then
    say "$conf already has [containers] or [engine]; make sure it sets runtime = \"runc\" and" \
      "default_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"]"
  else
    mkdir -p "$(dirname "$conf")"
    cat >>"$conf" <<'CONF'
# kudos: podman settings for machines whose root lacks CAP_SYS_RESOURCE (the default ulimits exceed its hard limits)
# and whose cgroup layout is hybrid (crun refuses it; runc runs).
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
CONF
    say "wrote the kudos settings to $conf"
  fi
fi

# podman answers and its runtime works (an `info` that fails means containers cannot run here at all).
if ! podman info --format '{{.Host.OCIRuntime.Name}}' >/dev/null 2>&1; then
  say "podman is installed but does not work here: $(podman info 2>&1 | tail -1)"
  exit 1
fi
