// @ts-check
/**
 * End-to-end tests: a real n8n 2.41.1 (started once for the whole run by global-setup.js) with
 * the packed package and the shipped workflows, against local fakes. `npm run test:e2e`.
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.js'],
	transform: {
		'^.+\\.(t|j)s$': [
			'@swc/jest',
			{ jsc: { parser: { syntax: 'typescript' }, target: 'es2021' }, module: { type: 'commonjs' } },
		],
	},
	moduleFileExtensions: ['ts', 'js', 'json'],
	// the Pay Now browser test runs our node in-process through the test engine (n8n-core)
	setupFiles: ['<rootDir>/test/setup-env.js'],
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
	// Files are *.e2e.js, so the unit run (testMatch *.test.js) never picks them up.
	// one stack, one test file at a time, in file-name order (the editor screenshots last)
	testSequencer: '<rootDir>/test/e2e/sequencer.js',
	maxWorkers: 1,
	testTimeout: 120_000,
	slowTestThreshold: 60,
};
