#!/usr/bin/env bash
# Make sure the machine has what the local stack and the tests need:
#   PostgreSQL server binaries (Debian `postgresql`), Debian's python3 with aiosmtpd (`python3-aiosmtpd`),
#   Chromium for the browser tests (`chromium`, with `fonts-noto-color-emoji` for the reactions), Node.js and npm (`nodejs`, `npm`) for the API contract's tools
#   (`npm ci` from the committed package-lock.json), and the .NET SDK. As root, missing Debian packages are installed (one `apt-get update`, then
#   `apt-get install -y`); otherwise prints what is missing and exits non-zero. Fast when all is present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."  # so `dotnet --version` honours global.json

missing_packages=()

if ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  missing_packages+=(postgresql)
fi
# Debian's interpreter explicitly: the python3 first on PATH may be another one without Debian's modules.
if ! [[ -x /usr/bin/python3 ]] || ! /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1; then
  missing_packages+=(python3-aiosmtpd)
fi

# The browser tests drive Debian's Chromium headless (Playwright never downloads a browser here).
if ! [[ -x /usr/bin/chromium ]]; then
  missing_packages+=(chromium)
fi
# The recipient's page shows reactions as emoji: without a colour emoji font the screenshots show empty boxes.
if ! [[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]]; then
  missing_packages+=(fonts-noto-color-emoji)
fi

# The API contract's tools (openapi-typescript, Redocly CLI, TypeScript) run on Debian's Node.js.
if ! command -v node >/dev/null; then
  missing_packages+=(nodejs)
fi
if ! command -v npm >/dev/null; then
  missing_packages+=(npm)
fi

if [[ ${#missing_packages[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "ensure-deps: installing ${missing_packages[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >&2
    # The Debian package may start (and create) a system cluster on 5432; the project never uses it.
  else
    echo "ensure-deps: missing Debian packages: ${missing_packages[*]}" >&2
    echo "ensure-deps: install them with: sudo apt-get update && sudo apt-get install -y ${missing_packages[*]}" >&2
    exit 1
  fi
fi

if ! command -v dotnet >/dev/null || ! dotnet_version=$(dotnet --version 2>/dev/null); then
  echo "ensure-deps: the .NET SDK is not installed (or does not match global.json);" \
    "install the .NET 10 SDK: https://dotnet.microsoft.com/download/dotnet/10.0" >&2
  exit 1
fi
if [[ $dotnet_version != 10.* ]]; then
  echo "ensure-deps: .NET SDK $dotnet_version found; this repository needs a 10.x SDK" >&2
  exit 1
fi

# The pinned npm tools, exactly as locked; skipped when node_modules already holds this lock file's versions.
if ! cmp -s package-lock.json node_modules/.kudos-installed-lock; then
  echo "ensure-deps: npm ci (API contract tools)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.kudos-installed-lock
fi
