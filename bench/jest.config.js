// @ts-check
/** `npm run bench`: the benchmarks run through jest only for its TypeScript transform. */
const base = require('../jest.config');

module.exports = {
	...base,
	rootDir: '..',
	roots: ['<rootDir>/bench'],
	testMatch: ['**/*.bench.js'],
	testTimeout: 60 * 60 * 1000,
};
