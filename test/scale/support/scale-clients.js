'use strict';
// @ts-check
/**
 * What the scale tests do to the queue-mode stack, on top of the end-to-end clients: start runs
 * on the workers ("Execute workflow", offloaded), follow executions, tell which worker ran one,
 * count executions and queued jobs, wait until everything is quiet, and seed the books and the
 * Stripe account with many invoices at once.
 */
const fs = require('node:fs');
const { setTimeout: sleep } = require('node:timers/promises');

const { clients } = require('../../e2e/support/clients');
const { seedFor } = require('../../e2e/support/seed');
const { psql, redisCli } = require('./services');

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

function scaleClients(state) {
	const c = clients(state);
	const { request, waitFor } = c;
	const sql = (text) => psql(state.ports.postgres, state.postgres.database, text);
	const api = async (path) => {
		const res = await request('GET', `${state.n8nUrl}/api/v1${path}`, {
			headers: { 'X-N8N-API-KEY': state.apiKey },
			timeoutMs: 60_000,
		});
		if (res.status !== 200)
			throw new Error(`GET ${path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		return res.json;
	};

	const scale = {
		...c,
		sql,
		/** the Stripe credential's key: it also opens the endpoint secret the trigger keeps sealed */
		stripeSecretKey: state.stripeSecretKey,
		/**
		 * "Execute workflow" from its manual trigger, as the editor does it. With
		 * OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS the main only enqueues it: a worker runs it.
		 */
		async runManually(workflowId, triggerName) {
			const res = await request('POST', `${state.n8nUrl}/rest/workflows/${workflowId}/run`, {
				headers: { cookie: state.cookie },
				body: { triggerToStartFrom: { name: triggerName } },
				timeoutMs: 60_000,
			});
			const executionId = res.json?.data?.executionId;
			if (res.status !== 200 || !executionId) {
				throw new Error(`run ${workflowId}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
			}
			return String(executionId);
		},
		execution: (id) => api(`/executions/${id}`),
		/** The execution with its run data, however large (an auto-pay run of 500 invoices is). */
		executionData: (id) => api(`/executions/${id}?includeData=true&ignoreDataSizeLimit=true`),
		async finished(id, timeoutMs) {
			return waitFor(
				`execution ${id} to finish`,
				async () => {
					const execution = await scale.execution(id);
					return FINISHED.includes(execution.status) ? execution : null;
				},
				{ timeoutMs, intervalMs: 1000 },
			);
		},
		/** The worker whose log says it started the execution (null: none yet). */
		workerOf(executionId) {
			const line = new RegExp(`Worker started execution ${executionId} \\(job`);
			const found = state.workers.filter((w) => line.test(fs.readFileSync(w.logFile, 'utf8')));
			if (found.length > 1)
				throw new Error(`execution ${executionId} started on ${found.length} workers`);
			return found[0] ?? null;
		},
		lastExecutionId() {
			return Number(sql('SELECT COALESCE(MAX(id), 0) FROM execution_entity').trim());
		},
		/** Executions of a workflow after `afterId`, counted by status: { success: 810, ... }. */
		executionCounts(workflowId, afterId = 0) {
			const rows = sql(
				`SELECT status, COUNT(*) FROM execution_entity WHERE "workflowId" = '${workflowId}' AND id > ${Number(afterId)} GROUP BY status`,
			);
			return Object.fromEntries(
				rows
					.trim()
					.split('\n')
					.filter(Boolean)
					.map((row) => {
						const [status, count] = row.split('|');
						return [status, Number(count)];
					}),
			);
		},
		/** Jobs in n8n's Bull queue in Redis: waiting (plain or by priority) and being run. */
		queueCounts() {
			const n = (...args) => Number(redisCli(state.ports.redis, ...args)) || 0;
			return {
				waiting: n('LLEN', 'bull:jobs:wait') + n('ZCARD', 'bull:jobs:priority'),
				active: n('LLEN', 'bull:jobs:active'),
			};
		},
		/**
		 * Waits until the Stripe server has nothing left to deliver, no job waits in the queue and
		 * no execution is new or running (but `ignore`: a killed worker's, which stays "running"
		 * until the main's queue recovery marks it crashed), all unchanged for `quietMs`. Bounded.
		 * @param {{ timeoutMs?: number, quietMs?: number, ignore?: string[] }} [options]
		 */
		async settle({ timeoutMs = 180_000, quietMs = 2000, ignore = [] } = {}) {
			const deadline = Date.now() + timeoutMs;
			const skip = ignore.length ? `AND id NOT IN (${ignore.map(Number).join(', ')})` : '';
			let last = '';
			let quietSince = Date.now();
			while (Date.now() < deadline) {
				const deliveries = (await c.stripe.deliveries()).length;
				const { waiting } = scale.queueCounts();
				const open = Number(
					sql(
						`SELECT COUNT(*) FROM execution_entity WHERE status IN ('new', 'running') ${skip}`,
					).trim(),
				);
				const now = JSON.stringify({ deliveries, waiting, open });
				if (now !== last || waiting + open > 0) {
					last = now;
					quietSince = Date.now();
				} else if (Date.now() - quietSince >= quietMs) {
					return { deliveries, waiting, open };
				}
				await sleep(500);
			}
			throw new Error(`The stack did not settle within ${timeoutMs / 1000} s (last: ${last})`);
		},
		/** The Stripe account's events of some types created since `sinceSeconds`, oldest first. */
		async stripeEvents(types, sinceSeconds) {
			const events = [];
			let startingAfter = null;
			for (let page = 0; page < 200; page++) {
				const query = new URLSearchParams({ limit: '100', 'created[gte]': String(sinceSeconds) });
				types.forEach((type, i) => query.append(`types[${i}]`, type));
				if (startingAfter) query.set('starting_after', startingAfter);
				const list = await c.stripe.api('GET', `/events?${query}`);
				events.push(...list.data);
				if (!list.has_more) return events.reverse();
				startingAfter = list.data.at(-1).id;
			}
			throw new Error('More than 20,000 events: not a test-sized account');
		},
		/** Form-encoded Stripe API call with the credential's key, as Stripe clients send them. */
		async stripePost(path, params) {
			const res = await request('POST', `${state.stripeUrl}/v1${path}`, {
				headers: {
					authorization: `Bearer ${state.stripeSecretKey}`,
					'content-type': 'application/x-www-form-urlencoded',
				},
				body: formEncode(params),
			});
			if (res.status !== 200)
				throw new Error(`POST ${path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
			return res.json;
		},
	};
	return scale;
}

/**
 * Stripe's form encoding: nested objects as `a[b]`.
 * @param {object} params
 * @param {string | null} [prefix]
 * @param {URLSearchParams} [out]
 */
function formEncode(params, prefix = null, out = new URLSearchParams()) {
	for (const [key, value] of Object.entries(params)) {
		const name = prefix ? `${prefix}[${key}]` : key;
		if (value !== null && typeof value === 'object') formEncode(value, name, out);
		else if (value !== undefined) out.append(name, String(value));
	}
	return out.toString();
}

/**
 * `count` recurring invoices due within the catch-up window, spread over `customers` books
 * customers (ids and names carry `prefix`), each customer mapped to a Stripe customer whose
 * automatic payment method is `paymentMethod`. Loads the books (replacing what they held) and
 * creates the Stripe customers in one call. Returns the invoices as the books hold them.
 */
async function seedAutoPay(
	scale,
	state,
	{ prefix, count, customers, paymentMethod = 'pm_card_visa', recurring = true },
) {
	const customerSpecs = Array.from({ length: customers }, (_, i) => ({
		key: `c${i + 1}`,
		name: `Customer ${i + 1}`,
	}));
	const invoiceSpecs = Array.from({ length: count }, (_, i) => ({
		key: `i${i + 1}`,
		customer: `c${(i % customers) + 1}`,
		// every amount different enough to tell a wrong charge: 10.01 .. 99.99 USD
		total: `${10 + (i % 90)}.${String((i * 37) % 100).padStart(2, '0')}`,
		due: -(i % 3),
		recurring,
	}));
	const { seed } = seedFor(prefix, state.timeZone, {
		customers: customerSpecs,
		invoices: invoiceSpecs,
	});
	await scale.books.reset(seed);
	await scale.stripe.hook('POST', 'seed', {
		customers: seed.customers.map((customer) => ({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: paymentMethod,
		})),
	});
	const stripeCustomers = await stripeCustomersByBooksId(scale, prefix);
	return { invoices: seed.invoices, customers: seed.customers, stripeCustomers };
}

/** Stripe customer ids of this prefix's books customers (from the mapping metadata). */
async function stripeCustomersByBooksId(scale, prefix) {
	const byBooksId = {};
	let startingAfter = null;
	for (let page = 0; page < 100; page++) {
		const query = new URLSearchParams({ limit: '100' });
		if (startingAfter) query.set('starting_after', startingAfter);
		const list = await scale.stripe.api('GET', `/customers?${query}`);
		for (const customer of list.data) {
			const booksId = customer.metadata?.books_customer_id;
			if (booksId?.startsWith(`${prefix}-`)) byBooksId[booksId] = customer.id;
		}
		if (!list.has_more) return byBooksId;
		startingAfter = list.data.at(-1).id;
	}
	throw new Error('Too many Stripe customers');
}

/** Amount of a books decimal string in minor units (USD here). */
const minor = (decimal) => Math.round(Number(decimal) * 100);

/** Charges the Stripe server made for invoices of `prefix`, grouped by invoice id. */
async function chargesByInvoice(scale, prefix) {
	const { charges } = await scale.stripe.ledger();
	const byInvoice = new Map();
	for (const charge of charges) {
		for (const invoiceId of charge.invoiceIds.filter((id) => id.startsWith(`${prefix}-`))) {
			if (!byInvoice.has(invoiceId)) byInvoice.set(invoiceId, []);
			byInvoice.get(invoiceId).push(charge);
		}
	}
	return byInvoice;
}

/** The books' payment records of `prefix`, grouped by invoice id. */
async function recordsByInvoice(scale, prefix) {
	const byInvoice = new Map();
	for (const record of await scale.books.payments()) {
		if (!record.invoiceId.startsWith(`${prefix}-`)) continue;
		if (!byInvoice.has(record.invoiceId)) byInvoice.set(record.invoiceId, []);
		byInvoice.get(record.invoiceId).push(record);
	}
	return byInvoice;
}

/** The books' invoices of `prefix`, by id. */
async function invoicesById(scale, prefix) {
	const res = await scale.books.call('GET', '/invoices');
	if (res.status !== 200) throw new Error(`books invoices: HTTP ${res.status}`);
	return new Map(
		res.json
			.filter((invoice) => invoice.id.startsWith(`${prefix}-`))
			.map((invoice) => [invoice.id, invoice]),
	);
}

/** Items a node output on its first output in a run (its last run), as JSON. */
function nodeOutput(execution, nodeName, output = 0) {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs) return [];
	return (runs.at(-1).data?.main?.[output] ?? []).map((item) => item.json);
}

/** A small seeded PRNG (mulberry32): the same "random" schedule on every run. */
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function shuffle(list, random) {
	const copy = [...list];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
async function inParallel(items, limit, fn) {
	const results = new Array(items.length);
	let next = 0;
	const lane = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
	return results;
}

module.exports = {
	scaleClients,
	seedAutoPay,
	stripeCustomersByBooksId,
	chargesByInvoice,
	recordsByInvoice,
	invoicesById,
	nodeOutput,
	minor,
	prng,
	shuffle,
	inParallel,
	formEncode,
	FINISHED,
};
