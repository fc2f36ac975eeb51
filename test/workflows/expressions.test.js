// @ts-check
/**
 * Every expression in the shipped workflows and books adapters compiles under n8n's expression
 * sandbox, the hooks n8n 2.41 applies before it runs one (`expressionSandboxHooks` of
 * n8n-workflow; Tournament is its evaluator). The sandbox refuses some property names outright,
 * `caller` among them (as Function.caller), whatever object holds them: an expression that names
 * one fails every execution in a real n8n while a test that evaluates it with plain JavaScript
 * passes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Tournament } from '@n8n/tournament';
import { expressionSandboxHooks } from 'n8n-workflow/dist/cjs/expression-sandboxing';

const ROOT = path.join(__dirname, '../../workflows');
const files = [
	...readdirSync(ROOT).filter((file) => file.endsWith('.json')),
	...readdirSync(path.join(ROOT, 'books'))
		.filter((file) => file.endsWith('.json'))
		.map((file) => `books/${file}`),
];

/**
 * Each expression (a string parameter starting with "=" and holding `{{`), with where it is.
 * @param {unknown} value
 * @param {string} where
 * @returns {Array<[string, string]>}
 */
function expressionsIn(value, where) {
	if (typeof value === 'string')
		return value.startsWith('=') && value.includes('{{') ? [[where, value.slice(1)]] : [];
	if (Array.isArray(value)) return value.flatMap((v, i) => expressionsIn(v, `${where}[${i}]`));
	if (value !== null && typeof value === 'object')
		return Object.entries(value).flatMap(([k, v]) => expressionsIn(v, `${where}.${k}`));
	return [];
}

const sandbox = new Tournament(() => {}, undefined, undefined, expressionSandboxHooks);

/** @param {string} expression @returns {string | null} the sandbox's refusal, or null */
function refusalOf(expression) {
	try {
		sandbox.getExpressionCode(expression);
		return null;
	} catch (error) {
		return /** @type {Error} */ (error).message;
	}
}

test('the sandbox refuses what n8n refuses (the check can fail)', () => {
	expect(refusalOf('{{ $json.caller }}')).toBe('Cannot access "caller" due to security concerns');
	expect(refusalOf("{{ $json['constructor'] }}")).toMatch(/security concerns/);
	expect(refusalOf('{{ $json.error === null ? $json.invoice : {} }}')).toBeNull();
});

test.each(files)('%s: every expression compiles under n8n’s sandbox', (file) => {
	const workflow = JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
	const expressions = workflow.nodes.flatMap((node) =>
		expressionsIn(node.parameters, `${node.name}`),
	);
	expect(expressions.length).toBeGreaterThan(0);
	const refused = expressions
		.map(([where, expression]) => [where, refusalOf(expression)])
		.filter(([, refusal]) => refusal !== null);
	expect(refused).toEqual([]);
});
