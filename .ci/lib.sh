# shellcheck shell=bash
# Shared by .ci/run, .ci/integration and .ci/dist (sourced, not run).
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
export _ci_t0="${_ci_t0:-$(date +%s)}" # the outermost script's start: steps show time since

step() { printf '\n==== %s  [%ds]\n' "$*" "$(($(date +%s) - _ci_t0))"; }

die() { printf '\nCI FAILED: %s\n' "$*" >&2; exit 1; }

# Under CI=true a missing prerequisite fails the run; elsewhere it is skipped, loudly.
required() {
    [ "${CI:-}" = "true" ] && die "$* (CI=true: nothing is skipped)"
    printf '\nSKIPPED (not under CI=true): %s\n' "$*" >&2
}

# apt_install PKG...: install the Debian packages that are missing (as root, or with sudo).
apt_install() {
    local missing=() pkg sudo=""
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "apt-get install ${missing[*]}"
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# find_vectors DIR: export HTTPX_AUTH_SIGV4_VECTORS, the SigV4 vectors in shared/sigv4-vectors
# beside DIR or one of its parents (where the tests look too).
find_vectors() {
    local dir; dir="$(cd "$1" && pwd)"
    until [ -n "${HTTPX_AUTH_SIGV4_VECTORS:-}" ] || [ "$dir" = / ]; do
        [ -f "$dir/shared/sigv4-vectors/README.md" ] && export HTTPX_AUTH_SIGV4_VECTORS="$dir/shared/sigv4-vectors"
        dir="$(dirname "$dir")"
    done
}
