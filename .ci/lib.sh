# Shared by .ci/run, .ci/integration and .ci/dist (sourced, not run).
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
_ci_started=${_ci_started:-$SECONDS}

step() { printf '\n==== %s  [%ds]\n' "$*" "$((SECONDS - _ci_started))"; }

die() { printf '\nCI FAILED: %s\n' "$*" >&2; exit 1; }

# Under CI=true a missing prerequisite fails the run; elsewhere it is skipped, loudly.
required() {
    [ "${CI:-}" = "true" ] && die "$* (CI=true: nothing is skipped)"
    printf '\nSKIPPED (not under CI=true): %s\n' "$*" >&2
}

# apt_install PKG...: install Debian packages that are missing (root, or sudo).
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "apt-get install ${missing[*]}"
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}
