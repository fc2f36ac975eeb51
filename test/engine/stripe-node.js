// @ts-check
// Shared set-up for engine tests of our Stripe nodes against the local Stripe server.
import { startStripeServer } from '../fakes/stripe-server';
import { runWorkflow, singleNodeWorkflow } from './harness';

export const SECRET_KEY = 'sk_test_engine_4242secret';

export async function startStripe(options = {}) {
	return await startStripeServer({ secretKeys: [SECRET_KEY], ...options });
}

export function stripeCredentials(server, overrides = {}) {
	return {
		stripeInvoicePaymentsApi: {
			secretKey: SECRET_KEY,
			publishableKey: 'pk_test_engine',
			apiBaseUrl: server.url,
			...overrides,
		},
	};
}

/**
 * A request to the local Stripe server as a client makes it (form body, the test key): for
 * set-up the server's own helpers do not cover, such as attaching another payment method.
 * @param {{url: string}} server
 * @param {string} method
 * @param {string} path
 * @param {Record<string, string>} [body]
 */
export async function stripeApi(server, method, path, body) {
	const response = await fetch(`${server.url}${path}`, {
		method,
		headers: {
			Authorization: `Bearer ${SECRET_KEY}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: body ? new URLSearchParams(body) : undefined,
	});
	return await response.json();
}

/**
 * Pay Invoice's parameters, reading each item's invoiceId, customerId (the books id, through the
 * mapping), balance, currency and optional fee: the daily auto-pay's call by default.
 */
export function payInvoiceParams(extra = {}) {
	return {
		resource: 'payment',
		operation: 'payInvoice',
		invoiceId: '={{ $json.invoiceId }}',
		customer: { __rl: true, mode: 'mapping', value: '={{ $json.customerId }}' },
		balance: '={{ $json.balance }}',
		currency: '={{ $json.currency }}',
		feePercent: '={{ $json.fee ?? "0" }}',
		howToPay: 'automatic',
		options: { purpose: 'autopay' },
		settings: { timeZone: 'UTC' },
		...extra,
	};
}

/**
 * What the Auto-Pay Scan (Check Stripe) hands the pay step for one invoice of a racer: its Charge
 * output's autoPay field, with an idempotency key of this scan run.
 */
export function scannedCharge(racer, invoice, run = 'scan') {
	const amountMinor = Math.round(Number(invoice.balance) * 100);
	return {
		action: 'charge',
		invoiceId: invoice.invoiceId,
		customerId: racer.booksId,
		amountMinor,
		amount: invoice.balance,
		currency: invoice.currency,
		stripeCustomerId: racer.stripeCustomerId,
		paymentMethod: { id: racer.savedMethod, label: 'Visa ending 4242', type: 'card' },
		stripeCustomerEmail: null,
		idempotencyKey: `${run}-${invoice.invoiceId}-${amountMinor}`,
	};
}

export const CHARGE_AUTO_PAY_PARAMS = {
	resource: 'payment',
	operation: 'chargeAutoPay',
	autoPayDecision: '={{ $json.autoPay }}',
	settings: { timeZone: 'UTC' },
};

let racers = 0;

/**
 * For race tests: a fresh mapped customer (books id `<prefix>-n`) with a saved card as its
 * automatic method, one open invoice of it, and a maker of its other invoices.
 */
export function newRacer(server, prefix) {
	const n = ++racers;
	const booksId = `${prefix}-${n}`;
	const created = server.createCustomer({
		name: `Racer ${booksId}`,
		metadata: { books_customer_id: booksId },
		defaultPaymentMethod: 'pm_card_visa',
	});
	const invoice = (id) => ({
		invoiceId: id,
		customerId: booksId,
		balance: '40.00',
		currency: 'usd',
	});
	let others = 0;
	return {
		booksId,
		stripeCustomerId: created.id,
		savedMethod: created.invoice_settings.default_payment_method,
		invoice: invoice(`${prefix}I-${n}`),
		other: () => invoice(`${prefix}O-${n}-${++others}`),
	};
}

/**
 * Runs one node of ours on `input` items; returns the engine result.
 * @param {{url: string}} server
 * @param {string} type
 * @param {Record<string, unknown>} parameters
 * @param {import('n8n-workflow').IDataObject[]} input
 * @param {{onError?: string | null, credentials?: Record<string, Record<string, unknown>>}} [options]
 */
export async function runNode(server, type, parameters, input, { onError, credentials } = {}) {
	const workflow = singleNodeWorkflow('Node', type, parameters, {
		stripeInvoicePaymentsApi: { id: '1', name: 'Stripe (local test server)' },
	});
	if (onError) workflow.nodes[1].onError = onError;
	return await runWorkflow(workflow, {
		credentials: credentials ?? stripeCredentials(server),
		input,
	});
}

/** Every string anywhere in a value, for "no secret in output" checks. */
export function allText(value) {
	return JSON.stringify(value, (_, v) =>
		v instanceof Error ? { message: v.message, stack: v.stack, .../** @type {object} */ (v) } : v,
	);
}

/**
 * The local Stripe server in its own process, for measurements its arrival times must not share
 * an event loop (and garbage-collection pauses) with the client. Test hooks go over /_test.
 */
export async function startStripeProcess(args = []) {
	const { spawn } = await import('node:child_process');
	const path = await import('node:path');
	const child = spawn(
		process.execPath,
		[
			path.resolve(__dirname, '../fakes/stripe-server.js'),
			'--port',
			'0',
			'--secret-key',
			SECRET_KEY,
			...args,
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const url = await new Promise((resolve, reject) => {
		let output = '';
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
			if (match) resolve(match[0]);
		});
		child.once('exit', (code) => reject(new Error(`the Stripe server exited (${code})`)));
	});
	const call = async (method, route, body) => {
		const response = await fetch(`${url}/_test/${route}`, {
			method,
			headers: body ? { 'Content-Type': 'application/json' } : {},
			body: body ? JSON.stringify(body) : undefined,
		});
		return await response.json();
	};
	return {
		url,
		call,
		close: () =>
			new Promise((resolve) => {
				child.once('exit', resolve);
				child.kill('SIGTERM');
			}),
	};
}
