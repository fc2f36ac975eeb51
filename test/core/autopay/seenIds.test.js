// @ts-check
import { SeenIds } from '../../../nodes/core/autopay/seenIds';

describe('SeenIds', () => {
	test('says which ids are new, across many growths of its table', () => {
		const seen = new SeenIds();
		const ids = Array.from({ length: 50_000 }, (_, i) => `INV-${i}`);
		expect(ids.filter((id) => !seen.add(id))).toEqual([]);
		expect(seen.size).toBe(ids.length);
		// the same texts, as other string objects
		expect(ids.filter((id) => seen.add(`=${id}`.slice(1)))).toEqual([]);
		expect(ids.slice(0, 1000).filter((id) => !seen.add(`${id}x`))).toEqual([]);
		expect(seen.size).toBe(ids.length + 1000);
	});

	test('tells apart ids that differ only in case, space or one code unit', () => {
		const seen = new SeenIds();
		const ids = [
			'inv-1',
			'INV-1',
			'INV-1 ',
			'INV-١',
			'INV-1\u0000',
			'é',
			'e\u0301',
			'\ud800',
			'\udc00',
			'x'.repeat(500),
		];
		for (const id of ids) expect(seen.add(id)).toBe(true);
		for (const id of ids) expect(seen.add(id)).toBe(false);
	});

	test('matches a Set on ids drawn with repeats', () => {
		const seen = new SeenIds();
		const set = new Set();
		const wrong = [];
		let seed = 42;
		for (let i = 0; i < 20_000; i += 1) {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			const id = `C-${seed % 7000}`;
			if (seen.add(id) === set.has(id)) wrong.push(id);
			set.add(id);
		}
		expect(wrong).toEqual([]);
		expect(seen.size).toBe(set.size);
	});
});
