# shellcheck shell=bash
# Shared helpers for scripts/*.  Source it; do not run it.
#
#   ensure_packages   install the Debian packages the project needs (only the
#                     missing ones; apt-get update runs at most once)
#   build_project     autoreconf / configure / make in the repository root
#   log, die          messages on stderr

# The repository root: this file lives in scripts/lib/.
SE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export SE_ROOT

# Everything needed to build, run and test the module.
SE_PACKAGES=(
    build-essential apache2-dev apache2-bin apache2-utils libssl-dev
    autoconf automake libtool pkg-config libaprutil1-dbd-sqlite3 sqlite3
    libapache2-mod-perl2 curl check
    # test/run-sanitizers, scripts/fuzz (libFuzzer, ASan/UBSan runtimes,
    # llvm-symbolizer for their stacks) and scripts/check --valgrind
    clang libclang-rt-14-dev llvm-14 valgrind procps
    # The suite on PostgreSQL and MariaDB (scripts/check, test/db-server)
    postgresql libaprutil1-dbd-pgsql mariadb-server mariadb-client
    libaprutil1-dbd-mysql
)

log() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}

# Prints the packages of "$@" that dpkg does not report as installed.
missing_packages() {
    local pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
                | grep -q 'install ok installed'; then
            printf '%s\n' "$pkg"
        fi
    done
}

_SE_APT_UPDATED=0

# ensure_packages [PKG...]: installs the missing ones of PKG... (default: the
# project's list).  Needs root when anything is missing.
ensure_packages() {
    local -a want missing
    if [ "$#" -gt 0 ]; then
        want=("$@")
    else
        want=("${SE_PACKAGES[@]}")
    fi
    mapfile -t missing < <(missing_packages "${want[@]}")
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    log "installing missing packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        die "not root: install these packages first: ${missing[*]}"
    fi
    if [ "$_SE_APT_UPDATED" -eq 0 ]; then
        apt-get update
        _SE_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y \
        "${missing[@]}"
}

# build_project: builds in the repository root (configure runs only when the
# tree is not configured yet, or when configure.ac is newer than config.status).
build_project() {
    (
        cd "$SE_ROOT" || exit 1
        if [ ! -x configure ] || [ configure.ac -nt configure ] \
                || [ Makefile.am -nt configure ]; then
            log "autoreconf -fi"
            autoreconf -fi
        fi
        if [ ! -f config.status ] || [ ! -f Makefile ] \
                || [ configure -nt config.status ]; then
            log "./configure"
            ./configure
        fi
        log "make -j2"
        make -j2
    )
}
