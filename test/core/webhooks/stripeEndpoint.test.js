// @ts-check
import { OWNER_METADATA_KEY, planEndpoint } from '../../../nodes/core/webhooks/stripeEndpoint';

const wanted = {
	url: 'https://n8n.example/webhook/abc/webhook',
	events: ['payment_intent.succeeded', 'payment_intent.payment_failed'],
	apiVersion: '2026-10-28.endive',
	ownerTag: 'wf1:node1',
};
const endpoint = (id, extra = {}) => ({
	id,
	url: wanted.url,
	enabled_events: [...wanted.events].reverse(),
	api_version: wanted.apiVersion,
	metadata: { [OWNER_METADATA_KEY]: 'wf1:node1' },
	...extra,
});

describe('planEndpoint', () => {
	test('no endpoint yet: create', () => {
		expect(planEndpoint([], wanted, { hasSecret: false })).toEqual({
			action: 'create',
			deleteIds: [],
		});
	});

	test('the known endpoint, unchanged and with its secret: reuse', () => {
		expect(
			planEndpoint([endpoint('we_1')], wanted, { endpointId: 'we_1', hasSecret: true }),
		).toEqual({
			action: 'reuse',
			endpointId: 'we_1',
			deleteIds: [],
		});
	});

	test('other events or another URL: update in place', () => {
		for (const change of [
			{ enabled_events: ['payment_intent.succeeded'] },
			{ url: 'https://other/webhook' },
		]) {
			expect(
				planEndpoint([endpoint('we_1', change)], wanted, { endpointId: 'we_1', hasSecret: true }),
			).toEqual({
				action: 'update',
				endpointId: 'we_1',
				deleteIds: [],
			});
		}
	});

	test('another API version: a new endpoint replaces it', () => {
		expect(
			planEndpoint([endpoint('we_1', { api_version: '2025-01-01' })], wanted, {
				endpointId: 'we_1',
				hasSecret: true,
			}),
		).toEqual({ action: 'create', deleteIds: ['we_1'] });
	});

	test('secret lost: delete ours and create, leaving other endpoints alone', () => {
		const foreign = endpoint('we_9', { metadata: {} });
		expect(
			planEndpoint([endpoint('we_1'), foreign], wanted, { endpointId: 'we_1', hasSecret: false }),
		).toEqual({
			action: 'create',
			deleteIds: ['we_1'],
		});
	});

	test('leaked duplicates of this trigger are removed', () => {
		expect(
			planEndpoint([endpoint('we_1'), endpoint('we_2'), endpoint('we_3')], wanted, {
				endpointId: 'we_2',
				hasSecret: true,
			}),
		).toEqual({ action: 'reuse', endpointId: 'we_2', deleteIds: ['we_1', 'we_3'] });
	});
});
