// @ts-check
import { Memo } from '../../nodes/core/memo';

describe('Memo', () => {
	test('remembers up to its limit, and hands back every value it is given', () => {
		const memo = new Memo(2);
		expect(memo.set('a', 1)).toBe(1);
		expect(memo.set('b', 0)).toBe(0);
		expect(memo.set('c', 3)).toBe(3);
		expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([1, 0, undefined]);
	});
});
