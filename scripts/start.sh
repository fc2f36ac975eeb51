#!/usr/bin/env bash
# `npm start`: a real n8n with this package loaded, next to a local Stripe-compatible server, an
# SMTP sink, a demo books API and a demo customer portal, all on 127.0.0.1, seeded with the story
# of README "The first ten minutes". Ctrl-C stops everything it started.
#
#   npm start                 build, load, start (first run installs Node 24 + n8n: ~5 min)
#   npm start -- --fresh      forget the local n8n (database, owner, executions) first
#
# Settings (environment): N8N_PORT (5678), N8N_RUNNERS_BROKER_PORT (5679), LOCAL_STRIPE_PORT
# (12111), LOCAL_SMTP_PORT (2525), LOCAL_SMTP_HTTP_PORT (8025), LOCAL_BOOKS_PORT (4010),
# LOCAL_GATEWAY360_PORT (12112), LOCAL_PORTAL_PORT (4020, the demo customer portal),
# BOOKS_API_TOKEN, DEMO_TIME_ZONE (the machine's), N8N_DEMO_EMAIL, N8N_DEMO_PASSWORD,
# N8N_LOCAL_DIR (.n8n-local in the repository), N8N_WORKFLOWS_DIR (workflows/), DEMO_BOOKS (tables,
# the default: the books in n8n Data Tables, loaded with the demo books on every start; rest: the
# demo REST books API), and the cache's (scripts/lib/n8n-cache.sh).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/n8n-cache.sh
source "$REPO/scripts/lib/n8n-cache.sh"

PACKAGE_NAME='n8n-nodes-invoice-payments'
N8N_PORT="${N8N_PORT:-5678}"
N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-5679}"
STRIPE_PORT="${LOCAL_STRIPE_PORT:-12111}"
SMTP_PORT="${LOCAL_SMTP_PORT:-2525}"
SMTP_HTTP_PORT="${LOCAL_SMTP_HTTP_PORT:-8025}"
BOOKS_PORT="${LOCAL_BOOKS_PORT:-4010}"
GATEWAY360_PORT="${LOCAL_GATEWAY360_PORT:-12112}"
PORTAL_PORT="${LOCAL_PORTAL_PORT:-4020}"
PORTAL_URL="http://127.0.0.1:$PORTAL_PORT"
BOOKS_API_TOKEN="${BOOKS_API_TOKEN:-books_demo_token}"
DEMO_EMAIL="${N8N_DEMO_EMAIL:-demo@example.com}"
DEMO_PASSWORD="${N8N_DEMO_PASSWORD:-Demo-Payments-1}"
LOCAL_DIR="${N8N_LOCAL_DIR:-$REPO/.n8n-local}"
WORKFLOWS_DIR="${N8N_WORKFLOWS_DIR:-$REPO/workflows}"
DEMO_BOOKS="${DEMO_BOOKS:-tables}"
# The books adapters imported beside the processes (docs/books-api.md): the processes call the
# one their Settings → booksWorkflowId names. Every process reaches the books only through it, so
# the embedded default is n8n's own Data Tables; DEMO_BOOKS=rest keeps the demo REST books.
BOOKS_ADAPTERS=(books-rest.json books-data-tables.json books-data-tables-setup.json)
case "$DEMO_BOOKS" in
rest) BOOKS_WORKFLOW_ID='invPayBooksRest' ;;
tables) BOOKS_WORKFLOW_ID='invPayBooksTables' ;;
*)
	echo "DEMO_BOOKS is rest or tables, not $DEMO_BOOKS" >&2
	exit 2
	;;
esac
LOG_DIR="$LOCAL_DIR/logs"
STRIPE_SECRET_KEY='sk_test_local_demo' # the credential's key (scripts/local-stack/credentials.mjs)
N8N_URL="http://127.0.0.1:$N8N_PORT"

FRESH=0
for arg in "$@"; do
	case "$arg" in
	--fresh) FRESH=1 ;;
	-h | --help)
		sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "Unknown argument: $arg (try --help)" >&2
		exit 2
		;;
	esac
done

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() {
	printf '\n\033[31mError: %s\033[0m\n' "$*" >&2
	exit 1
}

# ---- processes: each started in its own session (setsid), so its PID is also its process
# group and stopping it takes its children too (n8n's task runner). Stopped newest first.
PIDS=()
NAMES=()
TAIL_PID=''

# shellcheck disable=SC2317 # reached through the traps below
stop_all() {
	local status=$?
	trap - EXIT INT TERM HUP
	# Stopping must finish even when our output is gone (`npm start | tee log` after Ctrl-C, a
	# closed terminal): a failed write neither kills nor ends this function.
	trap '' PIPE
	set +e
	[[ -z "$TAIL_PID" ]] || kill "$TAIL_PID" 2>/dev/null
	if ((${#PIDS[@]})); then
		say 'Stopping' 2>/dev/null
		local i pid
		for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
			pid="${PIDS[$i]}"
			# the group, not only the leader: n8n's task runner may outlive a crashed n8n
			kill -0 -- "-$pid" 2>/dev/null || continue
			kill -TERM -- "-$pid" 2>/dev/null
			# n8n finishes running executions first; give it up to 20 s before SIGKILL
			local waited=0
			while kill -0 -- "-$pid" 2>/dev/null && ((waited < 200)); do
				sleep 0.1
				waited=$((waited + 1))
			done
			if kill -0 -- "-$pid" 2>/dev/null; then
				kill -KILL -- "-$pid" 2>/dev/null
				echo "  ${NAMES[$i]} (pid $pid) did not stop in 20 s: killed" 2>/dev/null
			else
				echo "  stopped ${NAMES[$i]} (pid $pid)" 2>/dev/null
			fi
		done
	fi
	exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# start NAME LOGFILE COMMAND...
start() {
	local name="$1" log="$2"
	shift 2
	setsid "$@" >"$log" 2>&1 </dev/null &
	PIDS+=("$!")
	NAMES+=("$name")
	echo "  $name: pid $! (log: ${log#"$REPO"/})"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port NAME PORT PID: the process listens, or it died (its log is shown)
wait_port() {
	local name="$1" port="$2" pid="$3" log="$4" tries=0
	until port_open "$port"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$log" >&2
			die "$name exited before listening on port $port"
		fi
		((tries++ < 300)) || die "$name did not listen on port $port within 30 s"
		sleep 0.1
	done
}

# ---- 1. nothing else may hold our ports (a second `npm start`, a stray server)
for spec in "n8n:N8N_PORT:$N8N_PORT" "n8n task broker:N8N_RUNNERS_BROKER_PORT:$N8N_RUNNERS_BROKER_PORT" \
	"Stripe fake:LOCAL_STRIPE_PORT:$STRIPE_PORT" "SMTP sink:LOCAL_SMTP_PORT:$SMTP_PORT" \
	"SMTP sink HTTP:LOCAL_SMTP_HTTP_PORT:$SMTP_HTTP_PORT" "books API:LOCAL_BOOKS_PORT:$BOOKS_PORT" \
	"360 Payments gateway:LOCAL_GATEWAY360_PORT:$GATEWAY360_PORT" \
	"customer portal:LOCAL_PORTAL_PORT:$PORTAL_PORT"; do
	IFS=: read -r label var port <<<"$spec"
	if port_open "$port"; then
		die "port $port ($label) is in use on 127.0.0.1; stop what holds it or set $var"
	fi
done

# ---- 2. Node 24 and n8n from the npm registry, cached outside the repository
say "Node 24 and n8n $N8N_CACHE_N8N_VERSION (cache: $(n8n_cache_root))"
ensure_n8n || die 'could not install Node 24 / n8n (see above)'
NODE="$NODE24_BIN"
DEMO_TIME_ZONE="${DEMO_TIME_ZONE:-$("$NODE" -p 'Intl.DateTimeFormat().resolvedOptions().timeZone')}"
# the demo's processing fee, shown in the portal and charged by the processes (their Settings)
DEMO_FEE_PERCENT="$("$NODE" -p "require('$REPO/test/fakes/demo-story.js').DEMO_FEE_PERCENT")"

# ---- 3. build the package (dev dependencies first on a fresh clone)
cd "$REPO"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
	say 'Installing dev dependencies (npm ci)'
	npm ci --no-audit --no-fund
fi
say 'Building the package (npm run build)'
npm run build

# ---- 4. load it into n8n the way n8n installs a community package
say "Loading $PACKAGE_NAME into n8n ($LOCAL_DIR)"
if ((FRESH)); then
	echo "  --fresh: removing $LOCAL_DIR"
	rm -rf "$LOCAL_DIR"
fi
mkdir -p "$LOG_DIR"
NODES_DIR="$LOCAL_DIR/.n8n/nodes"
PACKAGE_DIR="$NODES_DIR/node_modules/$PACKAGE_NAME"
PACK_DIR="$(mktemp -d)"
# The packed tarball is exactly what users install (package.json "files"), not the work tree.
TARBALL="$(npm pack --silent --pack-destination "$PACK_DIR" | tail -n 1)"
rm -rf "$PACKAGE_DIR"
mkdir -p "$PACKAGE_DIR"
tar -xzf "$PACK_DIR/$TARBALL" -C "$PACKAGE_DIR" --strip-components=1
rm -rf "$PACK_DIR"
# As n8n's own installer does: drop dev/peer dependencies from the installed package.json and
# record the package in the nodes folder's package.json.
"$NODE" - "$PACKAGE_DIR/package.json" "$NODES_DIR/package.json" <<'EOF'
const fs = require('node:fs');
const [pkgPath, nodesPath] = process.argv.slice(2);
const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2));
const nodes = fs.existsSync(nodesPath) ? JSON.parse(fs.readFileSync(nodesPath, 'utf8')) : { name: 'installed-nodes', private: true };
nodes.dependencies = { ...nodes.dependencies, [pkg.name]: pkg.version };
fs.writeFileSync(nodesPath, JSON.stringify(nodes, null, 2));
EOF
# Our dist requires n8n-workflow and luxon, which n8n provides: n8n itself leaves them out of a
# community package and lets Node find its own copies through NODE_PATH, a fallback consulted only
# when no node_modules folder above the package has them. This user folder lies inside the
# repository, whose node_modules holds dev copies (n8n-workflow 2.41.0): Node would find those
# first and our nodes would run against a second n8n-workflow (other classes, failing instanceof
# checks). So link the modules n8n provides to community nodes (those strict lint allows) to the
# exact copies n8n loads, next to the package, where Node looks first.
for module in n8n-workflow luxon zod lodash moment p-limit; do
	for candidate in "$N8N_PKG_DIR/node_modules/$module" "$N8N_DIR/node_modules/$module"; do
		if [[ -d "$candidate" ]]; then
			ln -sfn "$candidate" "$NODES_DIR/node_modules/$module"
			break
		fi
	done
done

# Load every node the package lists, as n8n will, and collect their type names: a file that does
# not load fails here with its own error, and n8n must later list each of these types.
NODE_TYPES="$("$NODE" - "$PACKAGE_DIR" <<'EOF'
const path = require('node:path');
const dir = process.argv[2];
const pkg = require(path.join(dir, 'package.json'));
const types = [];
for (const file of pkg.n8n.nodes) {
	for (const NodeClass of Object.values(require(path.join(dir, file)))) {
		if (typeof NodeClass === 'function') types.push(`${pkg.name}.${new NodeClass().description.name}`);
	}
}
console.log(types.join(','));
EOF
)" || die "the built package does not load under Node 24 (above)"
echo "  node types: ${NODE_TYPES//,/, }"

# ---- 5. the local stack
say 'Starting the local stack'
start 'Stripe fake' "$LOG_DIR/stripe.log" "$NODE" "$REPO/test/fakes/stripe-server.js" \
	--port "$STRIPE_PORT" --secret-key "$STRIPE_SECRET_KEY"
wait_port 'Stripe fake' "$STRIPE_PORT" "${PIDS[-1]}" "$LOG_DIR/stripe.log"
# The demo story (test/fakes/demo-story.js): the Stripe fake starts empty on every start and gets
# the customers of the demo books, with their automatic payment methods.
echo "  demo story: $("$NODE" "$REPO/scripts/local-stack/demo-story.mjs" seed --stripe-url "http://127.0.0.1:$STRIPE_PORT")" ||
	die 'could not seed the Stripe fake with the demo story'
start 'SMTP sink' "$LOG_DIR/smtp-sink.log" "$NODE" "$REPO/scripts/local-stack/smtp-sink.mjs" \
	--port "$SMTP_PORT" --http-port "$SMTP_HTTP_PORT"
wait_port 'SMTP sink' "$SMTP_HTTP_PORT" "${PIDS[-1]}" "$LOG_DIR/smtp-sink.log"
start 'books API' "$LOG_DIR/books-api.log" "$NODE" "$REPO/scripts/local-stack/books-api.mjs" \
	--port "$BOOKS_PORT" --token "$BOOKS_API_TOKEN" --time-zone "$DEMO_TIME_ZONE"
wait_port 'books API' "$BOOKS_PORT" "${PIDS[-1]}" "$LOG_DIR/books-api.log"
start '360 Payments gateway' "$LOG_DIR/gateway360.log" "$NODE" "$REPO/scripts/local-stack/gateway360.mjs" \
	--port "$GATEWAY360_PORT"
wait_port '360 Payments gateway' "$GATEWAY360_PORT" "${PIDS[-1]}" "$LOG_DIR/gateway360.log"

# ---- 6. n8n's environment: its own ports, loopback only, SQLite in the local folder, no calls home
export N8N_USER_FOLDER="$LOCAL_DIR"
export N8N_PORT N8N_RUNNERS_BROKER_PORT
export N8N_LISTEN_ADDRESS=127.0.0.1
export N8N_HOST=127.0.0.1
export N8N_PROTOCOL=http
export N8N_EDITOR_BASE_URL="$N8N_URL/"
# Webhook URLs (Stripe endpoints the Payment Webhook Trigger registers) on loopback, not "localhost".
export N8N_WEBHOOK_URL="$N8N_URL/"
export DB_TYPE=sqlite
export GENERIC_TIMEZONE="$DEMO_TIME_ZONE"
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_TEMPLATES_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_HIRING_BANNER_ENABLED=false
# The MCP server registry refreshes itself from n8n's servers at start: nothing the demo needs.
export N8N_DISABLED_MODULES="${N8N_DISABLED_MODULES:-mcp-registry}"
export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=true
export N8N_LOG_LEVEL="${N8N_LOG_LEVEL:-info}"
# n8n builds an expression sandbox (~40 ms of CPU) for every execution and every webhook request
# to a trigger, evaluated or not; lazily, only when an expression is evaluated (README, Performance).
export N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE="${N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE:-true}"
unset NODE_OPTIONS
# n8n starts its JavaScript task runner (Code node) as a bare `node` from PATH: make that Node 24.
# shellcheck disable=SC2031 # the cache library's PATH change stays in its own subshell, as meant
export PATH="$NODE24_BIN_DIR:$PATH"

# ---- 7. credentials and workflows, imported before n8n starts (the CLI and the server share SQLite)
say 'Importing credentials and workflows'
IMPORT_DIR="$LOCAL_DIR/import"
mkdir -p "$IMPORT_DIR"
(umask 077 && "$NODE" "$REPO/scripts/local-stack/credentials.mjs" \
	--stripe-url "http://127.0.0.1:$STRIPE_PORT" --smtp-port "$SMTP_PORT" \
	--books-token "$BOOKS_API_TOKEN" --gateway360-url "http://127.0.0.1:$GATEWAY360_PORT" \
	>"$IMPORT_DIR/credentials.json")
n8n_cache_run import:credentials --input="$IMPORT_DIR/credentials.json" >"$LOG_DIR/import.log" 2>&1 || {
	cat "$LOG_DIR/import.log" >&2
	die 'n8n import:credentials failed'
}
CREDENTIAL_IDS="$("$NODE" -p "require('$IMPORT_DIR/credentials.json').map((c) => c.id).join(',')")"
"$NODE" -e "for (const c of require('$IMPORT_DIR/credentials.json')) console.log('  credential: ' + c.name + ' (id ' + c.id + ')')"
rm -f "$IMPORT_DIR/credentials.json"
shopt -s nullglob
WORKFLOWS=("$WORKFLOWS_DIR"/*.json)
shopt -u nullglob
# The processes and the books adapters, copied to be imported: the processes' Settings name the
# adapter DEMO_BOOKS chooses, the REST adapter's the demo books API's address.
IMPORT_WORKFLOWS="$IMPORT_DIR/workflows"
rm -rf "$IMPORT_WORKFLOWS"
mkdir -p "$IMPORT_WORKFLOWS"
for adapter in "${BOOKS_ADAPTERS[@]}"; do
	[[ -f "$WORKFLOWS_DIR/books/$adapter" ]] || die "the books adapter $WORKFLOWS_DIR/books/$adapter is missing"
	cp "$WORKFLOWS_DIR/books/$adapter" "$IMPORT_WORKFLOWS/"
done
if ((${#WORKFLOWS[@]})); then
	cp "${WORKFLOWS[@]}" "$IMPORT_WORKFLOWS/"
fi
# The customer portal of the local stack reads the books through this small webhook workflow.
"$NODE" "$REPO/scripts/local-stack/demo-story.mjs" portal-books-workflow \
	--books-workflow-id "$BOOKS_WORKFLOW_ID" >"$IMPORT_WORKFLOWS/demo-portal-books.json"
# The demo's Settings: the processing fee, and Stripe Checkout sending the customer back to the
# local portal instead of the shipped example.com pages.
"$NODE" - "$IMPORT_WORKFLOWS" "$BOOKS_WORKFLOW_ID" "http://127.0.0.1:$BOOKS_PORT" "$DEMO_FEE_PERCENT" "$PORTAL_URL" <<'EOF'
const fs = require('node:fs');
const path = require('node:path');
const [dir, booksWorkflowId, booksApiUrl, feePercent, portalUrl] = process.argv.slice(2);
const returnPages = ['paymentDoneUrl', 'paymentCanceledUrl', 'paymentMethodAddedUrl'];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
	const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
	// n8n imports a workflow without an id as a new copy: one more duplicate on every start.
	if (!workflow.id) console.log(`  warning: ${file} has no "id"`);
	const settings = workflow.nodes.find((node) => node.name === 'Settings');
	for (const assignment of settings?.parameters.assignments?.assignments ?? []) {
		if (assignment.name === 'booksWorkflowId') assignment.value = booksWorkflowId;
		if (assignment.name === 'booksApiUrl') assignment.value = booksApiUrl;
		if (assignment.name === 'feePercent') assignment.value = feePercent;
		if (returnPages.includes(assignment.name))
			assignment.value = String(assignment.value).replace(/^https:\/\/demo-services\.example\.com/, portalUrl);
	}
	fs.writeFileSync(path.join(dir, file), JSON.stringify(workflow, null, 2));
}
EOF
n8n_cache_run import:workflow --separate --input="$IMPORT_WORKFLOWS" >>"$LOG_DIR/import.log" 2>&1 || {
	cat "$LOG_DIR/import.log" >&2
	die 'n8n import:workflow failed'
}
echo "  workflows: ${#WORKFLOWS[@]} from ${WORKFLOWS_DIR#"$REPO"/}/ and ${#BOOKS_ADAPTERS[@]} books adapters from its books/ (imported again on every start)"
echo "  the books: DEMO_BOOKS=$DEMO_BOOKS (the processes' Settings → booksWorkflowId: $BOOKS_WORKFLOW_ID)"

# ---- 8. n8n
say "Starting n8n $N8N_CACHE_N8N_VERSION"
start 'n8n' "$LOG_DIR/n8n.log" "$NODE" "$N8N_BIN" start
N8N_PID="${PIDS[-1]}"
READY_JSON="$("$NODE" "$REPO/scripts/local-stack/n8n-ready.mjs" --url "$N8N_URL" --pid "$N8N_PID" \
	--email "$DEMO_EMAIL" --password "$DEMO_PASSWORD" --node-type "$NODE_TYPES" \
	--credential-ids "$CREDENTIAL_IDS")" || {
	status=$?
	if ((status != 3)); then
		grep -iE 'error|fail|warn' "$LOG_DIR/n8n.log" | tail -n 20 >&2 || tail -n 30 "$LOG_DIR/n8n.log" >&2
		die "n8n is not ready (exit $status); its log: $LOG_DIR/n8n.log"
	fi
	echo "Note: run with --fresh to forget that owner (and everything else n8n stored)." >&2
	READY_JSON='owner exists with another password: node types not checked'
	DEMO_PASSWORD='(your password)'
}
# A package n8n could not load is logged, not fatal to n8n: show any such line.
if grep -iE "($PACKAGE_NAME|community).*(error|fail)|(error|fail|skipping).*($PACKAGE_NAME)" "$LOG_DIR/n8n.log" >&2; then
	die "n8n reported a problem loading $PACKAGE_NAME (above)"
fi

# ---- 9. the books adapters published (n8n runs a sub-workflow's published version); with
# DEMO_BOOKS=tables the Data Tables made and loaded with the demo books, inside the server (Data
# Tables do not work under `n8n execute`). Then the workflows the demo story needs live: payment
# status (its trigger registers its endpoint on the Stripe fake), pay outstanding invoices and the
# web invoice (the portal's), and the portal's books reader. The scheduled ones (daily auto-pay,
# its dry run, card expiry, reconciliation) stay unpublished: the tour runs them by hand.
STORY_WORKFLOWS=invPayWf3Status,invPayWf4PayNow,invPayWf5WebInv,invPayDemoPortalBk
if [[ "$DEMO_PASSWORD" == '(your password)' ]]; then
	echo "Note: not signed in, so the books adapters are not published: publish them in the editor." >&2
else
	LOAD_DEMO_TABLES=()
	[[ "$DEMO_BOOKS" != tables ]] || LOAD_DEMO_TABLES=(--load-demo-tables invPayBooksSetup)
	say "Publishing the books adapters and the story's workflows${LOAD_DEMO_TABLES:+, loading the demo books into Data Tables}"
	BOOKS_JSON="$("$NODE" "$REPO/scripts/local-stack/books-adapters.mjs" --url "$N8N_URL" \
		--email "$DEMO_EMAIL" --password "$DEMO_PASSWORD" \
		--adapters "invPayBooksRest,invPayBooksTables,invPayBooksSetup,$STORY_WORKFLOWS" "${LOAD_DEMO_TABLES[@]}")" ||
		die "the books adapters could not be published or loaded (above); n8n's log: $LOG_DIR/n8n.log"
	echo "  $BOOKS_JSON"
fi

# ---- 10. the demo customer portal (the books' side: test/fakes/demo-portal.js)
start 'customer portal' "$LOG_DIR/portal.log" env INVOICE_PAYMENTS_PACKAGE_DIR="$PACKAGE_DIR" \
	"$NODE" "$REPO/scripts/local-stack/portal.mjs" \
	--port "$PORTAL_PORT" --n8n-url "$N8N_URL" --stripe-url "http://127.0.0.1:$STRIPE_PORT" \
	--fee-percent "$DEMO_FEE_PERCENT" --mailbox-url "http://127.0.0.1:$SMTP_HTTP_PORT/messages"
wait_port 'customer portal' "$PORTAL_PORT" "${PIDS[-1]}" "$LOG_DIR/portal.log"

cat <<EOF

$(printf '\033[1;32m')n8n is running with $PACKAGE_NAME loaded$(printf '\033[0m')  ($READY_JSON)

  Editor        $N8N_URL
  Log in        $DEMO_EMAIL / $DEMO_PASSWORD

  Stripe fake   http://127.0.0.1:$STRIPE_PORT   (secret key $STRIPE_SECRET_KEY; test cards pm_card_visa, pm_card_chargeDeclined, ...)
  SMTP sink     smtp 127.0.0.1:$SMTP_PORT, sent mail: $PORTAL_URL/mailbox (JSON: http://127.0.0.1:$SMTP_HTTP_PORT/messages)
  Books         DEMO_BOOKS=$DEMO_BOOKS: the processes call the books adapter $BOOKS_WORKFLOW_ID (docs/books-api.md)
  Books API     http://127.0.0.1:$BOOKS_PORT   (curl -H 'Authorization: Bearer $BOOKS_API_TOKEN' http://127.0.0.1:$BOOKS_PORT/invoices)
  360 Payments  http://127.0.0.1:$GATEWAY360_PORT   (test gateway; cards 4111111111111111, declined 4000000000000002)
  Portal        $PORTAL_URL   (the demo customer portal: sign in as Sam Portal, or the agent Dana)
  Time zone     $DEMO_TIME_ZONE
  Logs          ${LOG_DIR#"$REPO"/}/

What to try (README "The first ten minutes"; the Stripe fake and the books start over on every start):
  1. Editor > "Invoice payments: customer mapping sync" > Execute workflow (Generate mappings now):
     3 customers mapped, Cafe Lumiere SARL ambiguous (two Stripe customers), Northwind Traders unmatched.
  2. "Invoice payments: daily auto-pay" > Execute workflow (Run auto-pay now): INV-2001 paid, INV-2003
     declined (retried by the schedule), INV-2007 waits for 3-D Secure, 5 skipped with their reasons.
  3. Mail: $PORTAL_URL/mailbox: the confirmation, the 3-D Secure request with its
     "Complete the payment" link (open it: the payment-status workflow records it as paid), the run report.
  4. Portal: $PORTAL_URL, sign in as Sam Portal (Brightside Dental): open invoices with the ${DEMO_FEE_PERCENT}% fee;
     "Change the automatic payment method" > pm_card_visa > Save: INV-2003 is charged at once;
     pay one or all; "Web invoice (Pay Now)" opens the 360 Payments page (card 4111111111111111).
  5. Sign in as Dana Agent: take a manual payment for Acme Plumbing Ltd over a payment page.
  6. "Invoice payments: auto-pay dry run (tomorrow)" > Execute workflow: tomorrow's charges and skips, by email.
  The books: Overview > Data tables, invoice_payments_* (DEMO_BOOKS=rest: GET http://127.0.0.1:$BOOKS_PORT/invoices,
  credential "Books API"). Start over: Ctrl-C, npm start (-- --fresh also forgets the executions).

Ctrl-C stops n8n and the local stack. n8n's log follows.
EOF

tail -n 0 -f --pid="$N8N_PID" "$LOG_DIR/n8n.log" &
TAIL_PID=$!
# Stop everything as soon as any process of the stack exits.
set +e
wait -n "${PIDS[@]}"
set -e
for i in "${!PIDS[@]}"; do
	kill -0 "${PIDS[$i]}" 2>/dev/null || echo "${NAMES[$i]} exited; stopping the rest" >&2
done
exit 1
