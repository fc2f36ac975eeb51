// @ts-check
// The node and credential classes this package declares in package.json's "n8n" section,
// loaded from the TypeScript sources (the test engine runs them without a build).
import path from 'node:path';

import packageJson from '../../package.json';

const root = path.resolve(__dirname, '../..');
const sourceOf = (distPath) =>
	path.join(root, distPath.replace(/^dist\//, '').replace(/\.js$/, ''));
const classOf = (distPath) => {
	const module = require(sourceOf(distPath));
	return Object.values(module).find((value) => typeof value === 'function');
};

export const PACKAGE_NAME = packageJson.name;
export const nodeClasses = packageJson.n8n.nodes.map(classOf);
export const credentialClasses = packageJson.n8n.credentials.map(classOf);
