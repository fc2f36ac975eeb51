// @ts-check
'use strict';
/**
 * Webhook endpoints (at most 16, `secret` only in the create answer) and event delivery: each
 * event is POSTed to every enabled endpoint that subscribed to it, signed with that endpoint's
 * secret by the official `stripe` package, asynchronously, retried a few times on failure.
 */
const http = require('node:http');
const https = require('node:https');
const Stripe = require('stripe');
const { invalidRequest, missingParam } = require('./errors');
const { bool, knownEventTypes, list, mergeMetadata, str, url } = require('./params');
const { internal, randomToken, snapshot } = require('./store');
const objects = require('./objects');

const MAX_ENDPOINTS = 16;

function enabledEvents(params) {
	const events = list(params, 'enabled_events');
	if (!events) return undefined;
	const known = knownEventTypes();
	events.forEach((type, i) => {
		if (!known.has(type)) {
			throw invalidRequest(
				`Invalid enabled_events[${i}]: must be one of the event types Stripe supports, or '*'.`,
				{
					param: `enabled_events[${i}]`,
				},
			);
		}
	});
	return events;
}

function createEndpoint(fake, params) {
	if (fake.store.table('webhook_endpoint').size >= MAX_ENDPOINTS) {
		throw invalidRequest(
			`You have reached the maximum of ${MAX_ENDPOINTS} test webhook endpoints.`,
		);
	}
	const events = enabledEvents(params);
	if (!events || events.length === 0) throw missingParam('enabled_events');
	const endpoint = objects.webhookEndpoint({
		url: url(params, 'url'),
		enabledEvents: events,
		description: str(params, 'description'),
		metadata: mergeMetadata({}, params.metadata),
		apiVersion: str(params, 'api_version'),
	});
	const secret = `whsec_${randomToken(32)}`;
	fake.store.insert('webhook_endpoint', endpoint, { secret });
	return { ...snapshot(endpoint), secret };
}

function updateEndpoint(fake, id, params) {
	const endpoint = fake.store.require('webhook_endpoint', id);
	const newUrl = url(params, 'url');
	if (newUrl) endpoint.url = newUrl;
	const events = enabledEvents(params);
	if (events) endpoint.enabled_events = events;
	if (params.description !== undefined) endpoint.description = str(params, 'description') ?? null;
	endpoint.metadata = mergeMetadata(endpoint.metadata, params.metadata);
	const disabled = bool(params, 'disabled');
	if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
	return endpoint;
}

function deleteEndpoint(fake, id) {
	fake.store.require('webhook_endpoint', id);
	fake.store.table('webhook_endpoint').delete(id);
	return { id, object: 'webhook_endpoint', deleted: true };
}

function subscribers(store, type) {
	return [...store.table('webhook_endpoint').values()].filter(
		(we) =>
			we.status === 'enabled' &&
			(we.enabled_events.includes('*') || we.enabled_events.includes(type)),
	);
}

function post(target, headers, payload, timeoutMs, requests) {
	return new Promise((resolve) => {
		const parsed = new URL(target);
		const client = parsed.protocol === 'https:' ? https : http;
		const req = client.request(parsed, { method: 'POST', headers, timeout: timeoutMs }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode }));
		});
		requests.add(req);
		req.on('close', () => requests.delete(req));
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (error) => resolve({ status: null, error: error.message }));
		req.end(payload);
	});
}

class WebhookDispatcher {
	constructor(store, { attempts = 3, retryDelayMs = 100, timeoutMs = 2000 } = {}) {
		this.store = store;
		this.attempts = attempts;
		this.retryDelayMs = retryDelayMs;
		this.timeoutMs = timeoutMs;
		this.mode = { duplicate: false, reverseOrder: false, hold: false };
		this.deliveries = [];
		this.held = [];
		this.running = new Set();
		this.timers = new Set();
		this.requests = new Set();
		this.closed = false;
	}

	setMode(mode = {}) {
		for (const key of Object.keys(mode)) {
			if (!(key in this.mode)) throw new Error(`webhooks.setMode: unknown option ${key}`);
			this.mode[key] = Boolean(mode[key]);
		}
		return { ...this.mode };
	}

	enqueue(event, endpoints) {
		for (const endpoint of endpoints) {
			const job = { endpointId: endpoint.id, event };
			if (this.mode.hold) this.held.push(job);
			else this.track(this.run(job));
		}
	}

	/** Delivers the held events one after the other (newest first when reverseOrder). */
	async flush() {
		const jobs = this.held.splice(0);
		if (this.mode.reverseOrder) jobs.reverse();
		const all = (async () => {
			for (const job of jobs) await this.run(job);
		})();
		this.track(all);
		await all;
		return jobs.length;
	}

	/** Resolves once every delivery started so far (with its retries) has finished. */
	async idle() {
		for (let round = 0; round < 100 && this.running.size > 0; round++) {
			await Promise.all([...this.running]);
		}
	}

	track(promise) {
		this.running.add(promise);
		promise.finally(() => this.running.delete(promise));
	}

	async run(job) {
		const copies = this.mode.duplicate ? 2 : 1;
		for (let copy = 0; copy < copies; copy++) await this.deliver(job, copy > 0);
	}

	async deliver({ endpointId, event }, duplicate) {
		const payload = JSON.stringify(snapshot(event), null, 2);
		for (let attempt = 1; attempt <= this.attempts && !this.closed; attempt++) {
			const endpoint = this.store.get('webhook_endpoint', endpointId);
			if (!endpoint) return;
			const signature = Stripe.webhooks.generateTestHeaderString({
				payload,
				secret: internal(endpoint).secret,
			});
			const headers = {
				'Content-Type': 'application/json; charset=utf-8',
				'Content-Length': Buffer.byteLength(payload),
				'Stripe-Signature': signature,
				'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
			};
			const outcome = await post(endpoint.url, headers, payload, this.timeoutMs, this.requests);
			const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
			this.deliveries.push({
				endpointId,
				eventId: event.id,
				eventType: event.type,
				status: outcome.status,
				ok,
				attempt,
				duplicate,
				...(outcome.error ? { error: outcome.error } : {}),
			});
			if (ok) {
				if (!duplicate) event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
				return;
			}
			if (attempt < this.attempts) await this.sleep(this.retryDelayMs * 2 ** (attempt - 1));
		}
	}

	/** @returns {Promise<void>} */
	sleep(ms) {
		return new Promise((resolve) => {
			const entry = { resolve };
			entry.timer = setTimeout(() => {
				this.timers.delete(entry);
				resolve();
			}, ms);
			this.timers.add(entry);
		});
	}

	close() {
		this.closed = true;
		this.held = [];
		for (const { timer, resolve } of this.timers) {
			clearTimeout(timer);
			resolve();
		}
		this.timers.clear();
		for (const req of this.requests) req.destroy();
	}
}

module.exports = { createEndpoint, updateEndpoint, deleteEndpoint, subscribers, WebhookDispatcher };
