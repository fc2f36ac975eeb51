// @ts-check
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseGateway360Event } from '../../../nodes/core/webhooks/gateway360Event';
import {
	STATUS_FAMILY_OUTPUTS,
	parseJsonBody,
} from '../../../nodes/core/webhooks/paymentStatusEvent';
import { parseStripeEvent } from '../../../nodes/core/webhooks/stripeEvent';

const fixtures = JSON.parse(
	readFileSync(path.resolve(__dirname, '../../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

describe('parsing bodies', () => {
	test.each([
		['empty', '', 'empty'],
		['nothing', undefined, 'empty'],
		['truncated JSON', '{"id": "evt_1",', 'invalid_json'],
		['not JSON', 'id=evt_1', 'invalid_json'],
	])('%s is the 400 case', (_, raw, reason) => {
		expect(parseJsonBody(raw)).toEqual({ ok: false, reason });
		expect(parseStripeEvent(raw)).toEqual({ ok: false, reason });
		expect(parseGateway360Event(raw)).toEqual({ ok: false, reason });
	});

	test('JSON that is not an event is refused', () => {
		const notEvents = [
			[],
			'"evt_1"',
			{ ...fixtures.event, id: '' },
			{ ...fixtures.event, object: 'v2.core.event' },
			{ ...fixtures.event, data: null },
			{ ...fixtures.event, created: '1234567890' },
		];
		for (const value of notEvents) {
			const raw = typeof value === 'string' ? value : JSON.stringify(value);
			expect(parseStripeEvent(Buffer.from(raw))).toEqual({ ok: false, reason: 'not_an_event' });
		}
		expect(parseStripeEvent(JSON.stringify(fixtures.event))).toEqual({
			ok: true,
			event: fixtures.event,
		});
		expect(parseGateway360Event('{"event_id":"","event_type":"x","event_body":{}}').ok).toBe(false);
		expect(parseGateway360Event('{"event_id":"e","event_type":"x"}').ok).toBe(false);
	});

	test('outputs are in the issue order', () => {
		expect(STATUS_FAMILY_OUTPUTS.map((output) => output.name)).toEqual([
			'Succeeded',
			'Failed',
			'Processing',
			'Requires Action',
			'Canceled',
			'Refunded',
		]);
	});
});
