// @ts-check
/**
 * The scale run: n8n 2.41.1 in queue mode (one main, two workers, PostgreSQL, Redis) with the
 * packed package and the shipped workflows, started once by global-setup.js, against local
 * fakes. `npm run test:scale`.
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/scale'],
	testMatch: ['**/*.scale.js'],
	transform: {
		'^.+\\.(t|j)s$': [
			'@swc/jest',
			{ jsc: { parser: { syntax: 'typescript' }, target: 'es2021' }, module: { type: 'commonjs' } },
		],
	},
	moduleFileExtensions: ['ts', 'js', 'json'],
	globalSetup: '<rootDir>/test/scale/global-setup.js',
	globalTeardown: '<rootDir>/test/scale/global-teardown.js',
	// Files are *.scale.js: neither the unit run (*.test.js) nor the e2e run picks them up.
	// One stack, one file at a time, in file-name order (the worker is killed last).
	testSequencer: '<rootDir>/test/e2e/sequencer.js',
	maxWorkers: 1,
	testTimeout: 600_000,
	slowTestThreshold: 300,
};
