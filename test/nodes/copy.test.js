// @ts-check
// The copy check of issue #24 (item 3): every user-facing string of every node and credential
// this package declares, read from their descriptions as n8n reads them.
//
// Casing follows n8n's UX guidelines for nodes, which its strict lint enforces where it can see
// a literal: node names, parameter names (display names) and drop-down values in title case;
// actions, descriptions, hints and notices in sentence case. This test also reaches what the
// lint cannot see (shared and generated descriptions), and adds what no lint checks: n8n's
// operation naming, no internal words, and one name for one thing.
import fs from 'node:fs';
import path from 'node:path';

import { credentialClasses, nodeClasses } from '../engine/package-types';

/** The shipped workflows' names: proper names, shown as the workflows are named. */
const WORKFLOW_NAMES = new Set(
	fs
		.readdirSync(path.resolve(__dirname, '../../workflows'), { recursive: true })
		.map(String)
		.filter((file) => file.endsWith('.json'))
		.map(
			(file) =>
				JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../workflows', file), 'utf8')).name,
		),
);

/** Title case leaves these lowercase inside a name (as the title-case library n8n's lint uses). */
const SMALL_WORDS = new Set(
	'a an and as at because but by en for from if in into nor of on or over per so than that the to up upon vs via when with without yet'.split(
		' ',
	),
);

/** Proper nouns and terms written as they are, wherever they stand in a sentence. */
const PROPER_NOUNS = [
	'360 Payments',
	'Auto-Pay Scan',
	'Collect.js',
	'Checkout',
	'Invoice Payments Tools',
	'Payment Webhook Trigger',
	'PaymentIntent',
	'PaymentIntents',
	'Stripe Invoice Payment',
	'Stripe',
	'n8n',
];

/** Words nobody using the package should meet: how it was built, not what it does. */
const INTERNAL_WORDS =
	/\b(seeds?|seeded|fakes?|stubs?|mocks?|mocked|todo|fixme|hack|dummy|lorem|wip|tbd)\b/i;

/** One name for one thing: the variant on the left is written as on the right. */
/** @type {[RegExp, string][]} */
const SAME_NAME = [
	[/\b[Aa]uto ?pay\b|\bAuto Pay\b|\bAutopay\b/, 'auto-pay (Auto-Pay in names)'],
	[/\be-mail/i, 'email'],
	[/\bweb hook/i, 'webhook'],
	[/\bpayment link/i, 'pay link (a Checkout link) or web invoice link (a signed link)'],
	[/\bIds?\b/, 'ID'],
	[/\bUrls?\b/, 'URL'],
	[/\bJson\b/, 'JSON'],
];

/** n8n's operation names: Get many (never List or Get all), Delete (never Remove), Create or update. */
const WRONG_OPERATION_NAMES = /^(List|Get All|Remove|Upsert|Sync|Fetch|Retrieve|Find All)\b/;

/**
 * @typedef {{ where: string, kind: 'name' | 'sentence' | 'action' | 'notice' | 'placeholder' | 'identifier' | 'proper', text: string }} Copy
 */

/**
 * @param {any[]} properties
 * @param {string} where
 * @param {Copy[]} out
 */
function collectProperties(properties, where, out) {
	for (const property of properties ?? []) {
		const here = `${where} › ${property.displayName ?? property.name}`;
		if (property.type === 'notice' || property.type === 'callout') {
			out.push({ where: here, kind: 'notice', text: property.displayName });
		} else if (property.displayName !== undefined) {
			out.push({ where: here, kind: 'name', text: property.displayName });
		}
		if (property.description)
			out.push({ where: here, kind: 'sentence', text: property.description });
		if (property.hint) out.push({ where: here, kind: 'sentence', text: property.hint });
		if (typeof property.placeholder === 'string' && !property.placeholder.startsWith('=')) {
			out.push({ where: here, kind: 'placeholder', text: property.placeholder });
		}
		for (const option of property.options ?? []) {
			if (option.values) {
				// A fixed collection's section.
				out.push({ where: here, kind: 'name', text: option.displayName });
				collectProperties(option.values, `${here} › ${option.displayName}`, out);
			} else if (option.type) {
				// A collection's option: a parameter of its own.
				collectProperties([option], here, out);
			} else {
				const optionWhere = `${here} › ${option.name}`;
				// Stripe's event names and n8n's credential types are shown as they are written:
				// identifiers, not copy (an option named after its value, or its value first).
				const isIdentifier =
					/^[a-z][\w.]*$/.test(String(option.value)) &&
					(option.name === option.value || option.name.startsWith(`${option.value} `));
				const kind = isIdentifier
					? 'identifier'
					: WORKFLOW_NAMES.has(option.name)
						? 'proper'
						: 'name';
				out.push({ where: optionWhere, kind, text: option.name });
				if (option.description)
					out.push({ where: optionWhere, kind: 'sentence', text: option.description });
				if (option.action) out.push({ where: optionWhere, kind: 'action', text: option.action });
			}
		}
	}
}

/** @type {Copy[]} */
const copy = [];
for (const NodeClass of nodeClasses) {
	const d = new NodeClass().description;
	const where = d.displayName;
	copy.push({ where, kind: 'name', text: d.displayName });
	copy.push({ where, kind: 'name', text: d.defaults.name ?? d.displayName });
	copy.push({ where, kind: 'sentence', text: d.description });
	for (const output of Array.isArray(d.outputs) ? d.outputs : []) {
		if (typeof output === 'object' && output.displayName) {
			copy.push({ where: `${where} › output`, kind: 'name', text: String(output.displayName) });
		}
	}
	collectProperties(d.properties, where, copy);
}
for (const CredentialClass of credentialClasses) {
	const c = new CredentialClass();
	copy.push({ where: c.displayName, kind: 'name', text: c.displayName });
	collectProperties(c.properties, c.displayName, copy);
}

/** The text with proper nouns, quoted names and code-like words taken out. */
function plainWords(/** @type {string} */ text) {
	let rest = text.replace(/"[^"]*"|'[^']*'|“[^”]*”/g, ' ');
	for (const noun of PROPER_NOUNS) rest = rest.split(noun).join(' ');
	return rest.split(/[\s/]+/).filter(Boolean);
}

/** Title case: every word but the small ones starts with a capital (each part of a hyphenated word too). */
function titleCaseProblems(/** @type {string} */ text) {
	const problems = [];
	const words = text.split(/\s+/);
	words.forEach((word, index) => {
		for (const part of word.replace(/^[("'“]+|[)"'”:,.]+$/g, '').split('-')) {
			if (!/^[a-z]/.test(part)) continue;
			if (index > 0 && SMALL_WORDS.has(part)) continue;
			if (PROPER_NOUNS.some((noun) => noun === part)) continue;
			problems.push(part);
		}
	});
	return problems;
}

/** Sentence case: a capital first, then lowercase words but for proper nouns and acronyms. */
function sentenceCaseProblems(/** @type {string} */ text) {
	const problems = [];
	if (!/^[A-Z0-9"“$]/.test(text) && !PROPER_NOUNS.some((noun) => text.startsWith(noun))) {
		problems.push('starts lowercase');
	}
	const words = plainWords(text).slice(1);
	for (const raw of words) {
		const word = raw.replace(/^[("'“]+|[)"'”:,.;]+$/g, '');
		if (/^[A-Z][a-z]/.test(word) && !/[A-Z].*[A-Z]/.test(word)) problems.push(word);
	}
	return problems;
}

const by = (/** @type {Copy['kind'][]} */ ...kinds) => copy.filter((c) => kinds.includes(c.kind));
const report = (/** @type {[Copy, unknown][]} */ found) =>
	found.map(([c, problem]) => `${c.where}: "${c.text}" (${String(problem)})`);

describe('copy of every node and credential', () => {
	test('the checks catch what they are for', () => {
		expect(titleCaseProblems('Guard lookback (days)')).toEqual(['lookback', 'days']);
		expect(titleCaseProblems('Max Charges per Run for Auto-Pay')).toEqual([]);
		expect(titleCaseProblems('Re-read Payment')).toEqual(['read']);
		expect(sentenceCaseProblems('Sync a Customer to Stripe')).toEqual(['Customer']);
		expect(sentenceCaseProblems('create a link in Stripe')).toEqual(['starts lowercase']);
		expect(sentenceCaseProblems('Get many payment methods of a PaymentIntent')).toEqual([]);
		expect(INTERNAL_WORDS.test("Whether customers may add one (the seeds' setting)")).toBe(true);
		const autoPay = SAME_NAME[0][0];
		for (const wrong of ['an auto pay run', 'Autopay', 'the autopay run', 'Auto Pay Scan']) {
			expect(autoPay.test(wrong)).toBe(true);
		}
		for (const right of ['an auto-pay run', 'Auto-Pay Scan', 'its autoPay reason']) {
			expect(autoPay.test(right)).toBe(false);
		}
		expect(WRONG_OPERATION_NAMES.test('List Mappings')).toBe(true);
		expect(WRONG_OPERATION_NAMES.test('Get Many')).toBe(false);
	});

	test('there is copy to check', () => {
		expect(by('name').length).toBeGreaterThan(200);
		expect(by('action').length).toBeGreaterThan(30);
	});

	test('names (nodes, parameters, options, sections) are in title case', () => {
		const found = by('name')
			.map((c) => /** @type {[Copy, unknown]} */ ([c, titleCaseProblems(c.text).join(', ')]))
			.filter(([, problem]) => problem !== '');
		expect(report(found)).toEqual([]);
	});

	test('actions are in sentence case, proper nouns aside', () => {
		const found = by('action')
			.map((c) => /** @type {[Copy, unknown]} */ ([c, sentenceCaseProblems(c.text).join(', ')]))
			.filter(([, problem]) => problem !== '');
		expect(report(found)).toEqual([]);
	});

	test('descriptions, hints and notices start with a capital', () => {
		const found = by('sentence', 'notice')
			.filter(
				(c) => !/^[A-Z0-9"“$]/.test(c.text) && !PROPER_NOUNS.some((n) => c.text.startsWith(n)),
			)
			.map((c) => /** @type {[Copy, unknown]} */ ([c, 'starts lowercase']));
		expect(report(found)).toEqual([]);
	});

	test('no internal words anywhere', () => {
		const found = copy
			.filter((c) => INTERNAL_WORDS.test(c.text))
			.map((c) => /** @type {[Copy, unknown]} */ ([c, c.text.match(INTERNAL_WORDS)?.[0]]));
		expect(report(found)).toEqual([]);
	});

	test('one name for one thing', () => {
		const found = copy
			.filter((c) => c.kind !== 'identifier' && c.kind !== 'placeholder')
			.flatMap((c) =>
				SAME_NAME.filter(([pattern]) => pattern.test(c.text)).map(
					([, write]) => /** @type {[Copy, unknown]} */ ([c, `write ${write}`]),
				),
			);
		expect(report(found)).toEqual([]);
	});

	test('every parameter says what it does for the user', () => {
		/** @type {string[]} */
		const found = [];
		const walk = (/** @type {any[]} */ properties, /** @type {string} */ where) => {
			for (const p of properties ?? []) {
				const here = `${where} › ${p.displayName}`;
				// Notices are the text; resource and operation are described by their options;
				// n8n's "Options" collections are described by the options in them.
				const exempt =
					p.type === 'notice' ||
					['resource', 'operation'].includes(p.name) ||
					(p.type === 'collection' && p.displayName === 'Options');
				const optionsSayIt =
					['options', 'multiOptions'].includes(p.type) &&
					(p.options ?? []).every((/** @type {any} */ o) => o.description || o.name === o.value);
				if (!exempt && !p.description && !optionsSayIt) found.push(here);
				for (const o of p.options ?? []) {
					if (o.values) walk(o.values, here);
					else if (o.type) walk([o], here);
				}
			}
		};
		for (const NodeClass of nodeClasses) {
			const d = new NodeClass().description;
			walk(d.properties, d.displayName);
		}
		for (const CredentialClass of credentialClasses) {
			const c = new CredentialClass();
			walk(c.properties, c.displayName);
		}
		expect(found).toEqual([]);
	});

	test("operations are named in n8n's way: Get many, Delete, Create or update", () => {
		/** @type {[Copy, unknown][]} */
		const found = [];
		for (const NodeClass of nodeClasses) {
			const d = new NodeClass().description;
			const resources = new Map(
				(d.properties.find((p) => p.name === 'resource')?.options ?? []).map((o) => [
					/** @type {any} */ (o).value,
					/** @type {any} */ (o).name,
				]),
			);
			for (const property of d.properties.filter((p) => p.name === 'operation')) {
				const resource = resources.get(property.displayOptions?.show?.resource?.[0]) ?? '';
				for (const option of /** @type {any[]} */ (property.options ?? [])) {
					const c = /** @type {Copy} */ ({
						where: `${d.displayName} › ${resource} › ${option.name}`,
						kind: 'name',
						text: option.name,
					});
					if (WRONG_OPERATION_NAMES.test(option.name))
						found.push([c, 'use Get Many, Delete or Create or Update']);
					// In n8n an operation does not repeat its resource: Mapping → Get, not Get Mapping.
					const resourceWord = String(resource).split(' ').pop() ?? '';
					if (
						resourceWord !== '' &&
						new RegExp(`^(Get|Create|Update|Delete|Set|Remove|List) ${resourceWord}s?$`).test(
							option.name,
						)
					) {
						found.push([c, `drop "${resourceWord}": the resource says it`]);
					}
					if (option.name === 'Get Many' && !/^Get many /.test(option.action ?? '')) {
						found.push([c, 'a Get Many action starts "Get many"']);
					}
					if (/^(List|Get all) /.test(option.action ?? '')) {
						found.push([c, `action "${option.action}": write "Get many …"`]);
					}
					if (!option.action) found.push([c, 'no action']);
				}
			}
		}
		expect(report(found)).toEqual([]);
	});
});
