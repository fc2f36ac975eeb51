// @ts-check
/**
 * The shipped workflows handed out for n8n's public API (nodes/core/templates/workflowTemplates.ts):
 * every file shipped is offered, in the shape POST /api/v1/workflows takes, with the admin's
 * books adapter and credentials put in and the shipped JSON left as it is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { CoreInputError } from '../../../nodes/core/errors';
import {
	templateCredentialTypes,
	WORKFLOW_TEMPLATES,
	workflowForImport,
} from '../../../nodes/core/templates/workflowTemplates';

const REPO = path.resolve(__dirname, '../../..');
const shippedFiles = ['workflows', 'workflows/books'].flatMap((dir) =>
	readdirSync(path.join(REPO, dir))
		.filter((file) => file.endsWith('.json'))
		.map((file) => ({ dir, template: file.replace(/\.json$/, '') })),
);
const read = (dir, template) =>
	JSON.parse(readFileSync(path.join(REPO, dir, `${template}.json`), 'utf8'));

// n8n 2.41.1's public API: the workflow body's settings accept these keys only
// (openapi.yml, components.schemas.workflowSettings: additionalProperties false).
const PUBLIC_API_SETTINGS = new Set([
	'saveExecutionProgress',
	'saveManualExecutions',
	'saveDataErrorExecution',
	'saveDataSuccessExecution',
	'executionTimeout',
	'errorWorkflow',
	'timezone',
	'executionOrder',
	'binaryMode',
	'callerPolicy',
	'callerIds',
	'timeSavedMode',
	'timeSavedPerExecution',
	'redactionPolicy',
	'availableInMCP',
]);

const settingValueOf = (workflow, name) =>
	workflow.nodes
		.find((node) => node.name === 'Settings')
		?.parameters.assignments.assignments.find((assignment) => assignment.name === name)?.value;

test('every shipped workflow file is offered once, with the name and ID it ships with', () => {
	expect(WORKFLOW_TEMPLATES.map((t) => t.template).sort()).toEqual(
		shippedFiles.map((f) => f.template).sort(),
	);
	for (const { dir, template } of shippedFiles) {
		const offered = WORKFLOW_TEMPLATES.find((t) => t.template === template);
		const file = read(dir, template);
		expect(offered).toMatchObject({ name: file.name, shippedId: file.id });
		expect(offered?.kind).toBe(
			dir === 'workflows' ? 'process' : template.endsWith('-setup') ? 'booksSetup' : 'booksAdapter',
		);
		expect(offered?.description.length).toBeGreaterThan(20);
	}
});

test.each(shippedFiles)('$template is the body the public API creates', ({ dir, template }) => {
	const body = workflowForImport(template);
	const file = read(dir, template);
	expect(Object.keys(body).sort()).toEqual(['connections', 'name', 'nodes', 'settings']);
	expect(body).toEqual({
		name: file.name,
		nodes: file.nodes,
		connections: file.connections,
		settings: file.settings,
	});
	for (const key of Object.keys(body.settings)) expect(PUBLIC_API_SETTINGS).toContain(key);
});

test("the books adapter's ID goes into each process's Settings, not into the adapters", () => {
	for (const template of WORKFLOW_TEMPLATES) {
		const body = workflowForImport(template.template, {
			workflowIds: { booksWorkflowId: ' Wb7kQ2mZ9xY1 ' },
		});
		if (template.kind === 'process')
			expect(settingValueOf(body, 'booksWorkflowId')).toBe('Wb7kQ2mZ9xY1');
		else expect(JSON.stringify(body)).not.toContain('Wb7kQ2mZ9xY1');
	}
	// empty: the shipped value stays
	expect(
		settingValueOf(
			workflowForImport('daily-auto-pay', { workflowIds: { booksWorkflowId: '' } }),
			'booksWorkflowId',
		),
	).toBe(settingValueOf(read('workflows', 'daily-auto-pay'), 'booksWorkflowId'));
});

test("the reconciliation's ID goes where a process calls it (the payment-status workflow's backfill)", () => {
	const callers = WORKFLOW_TEMPLATES.filter(
		(template) =>
			template.kind === 'process' &&
			settingValueOf(workflowForImport(template.template), 'reconciliationWorkflowId') !==
				undefined,
	).map((template) => template.template);
	expect(callers).toEqual(['payment-status']);
	for (const template of WORKFLOW_TEMPLATES) {
		const body = workflowForImport(template.template, {
			workflowIds: { reconciliationWorkflowId: 'ReCoN0000001' },
		});
		expect(JSON.stringify(body).includes('ReCoN0000001')).toBe(callers.includes(template.template));
	}
	expect(
		settingValueOf(
			workflowForImport('payment-status', {
				workflowIds: { reconciliationWorkflowId: 'ReCoN0000001' },
			}),
			'reconciliationWorkflowId',
		),
	).toBe('ReCoN0000001');
});

test('credentials chosen by type replace every reference of that type, and only those', () => {
	const body = workflowForImport('daily-auto-pay', {
		credentials: { smtp: { id: 'cRed5mtp0001', name: 'Our mail server' } },
	});
	const shipped = read('workflows', 'daily-auto-pay');
	const references = (workflow, type) =>
		workflow.nodes.filter((node) => node.credentials?.[type]).map((node) => node.credentials[type]);
	expect(references(shipped, 'smtp').length).toBeGreaterThan(0);
	expect(references(body, 'smtp')).toEqual(
		references(shipped, 'smtp').map(() => ({ id: 'cRed5mtp0001', name: 'Our mail server' })),
	);
	expect(references(body, 'stripeInvoicePaymentsApi')).toEqual(
		references(shipped, 'stripeInvoicePaymentsApi'),
	);
	// no name given: the reference keeps the shipped name beside the new ID
	const unnamed = workflowForImport('daily-auto-pay', { credentials: { smtp: { id: 'x1' } } });
	expect(references(unnamed, 'smtp')[0]).toEqual({
		id: 'x1',
		name: references(shipped, 'smtp')[0].name,
	});
});

test('the shipped JSON is never changed by a preparation', () => {
	const before = JSON.stringify(workflowForImport('payment-status'));
	workflowForImport('payment-status', {
		workflowIds: { booksWorkflowId: 'other', reconciliationWorkflowId: 'other' },
		credentials: { stripeInvoicePaymentsApi: { id: 'other' } },
	});
	expect(JSON.stringify(workflowForImport('payment-status'))).toBe(before);
});

test('a name that is not shipped is bad input naming the templates there are', () => {
	expect(() => workflowForImport('daily-autopay')).toThrow(CoreInputError);
	expect(() => workflowForImport('daily-autopay')).toThrow(/daily-auto-pay/);
});

test('the credential types are those the nodes reference, each once', () => {
	const types = templateCredentialTypes().map((t) => t.type);
	expect(new Set(types).size).toBe(types.length);
	expect(types).toEqual(
		expect.arrayContaining(['smtp', 'stripeInvoicePaymentsApi', 'payments360Api']),
	);
});
