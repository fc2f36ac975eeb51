// @ts-check
/**
 * The n8n 1.x compatibility smoke (`npm run test:e2e:n8n1`): the e2e setup on n8n 1.123.x, one
 * file. Its test file is *.smoke.js, so `npm run test:e2e` (*.e2e.js, n8n 2.41.1) never runs it.
 */
const e2e = require('./jest.config');

module.exports = {
	...e2e,
	testMatch: ['**/smoke-n8n1.smoke.js'],
	globalSetup: '<rootDir>/test/e2e/smoke-n8n1.setup.js',
};
