// @ts-check
/**
 * The shipped workflows as the n8n editor draws them, read from the files: what an admin sees
 * after importing one must read like n8n's own templates, nothing drawn on top of anything else.
 *
 * n8n 2.x draws a node as a square box at its `position` (96 px, GRID_SIZE 16 x 6) with its name
 * below it, wrapped on up to two lines, wider than the box. A node's footprint here is the box and
 * its name: 180 wide (40 px either side of a 100 px box) by 150 tall from its position; a node with
 * more than two outputs (a Switch, the payment webhook trigger) is drawn taller, 32 px (two grid
 * steps) an output more (its outputs counted from its connections). A sticky
 * note is drawn at its position, parameters.width x parameters.height (n8n's defaults 240 x 160),
 * behind the nodes: it must not hide any node's footprint.
 *
 * The positions lie on a 20 px grid: the files' own convention (n8n 1.x's grid), which keeps
 * rows and columns straight. n8n 2.x snaps a dragged node to 16 px; the files were not laid out
 * on that grid, and the editor draws them the same either way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../workflows');
const STICKY = 'n8n-nodes-base.stickyNote';
const GRID = 20;

/**
 * @typedef {{ name: string, type: string, position: [number, number], parameters: Record<string, any> }} WorkflowNode
 * @typedef {{ nodes: WorkflowNode[], connections: Record<string, { main?: unknown[][] }> }} Workflow
 * @typedef {{ x: number, y: number, width: number, height: number }} Rect
 */

/** @param {string} dir @returns {[string, Workflow][]} */
const filesIn = (dir) =>
	readdirSync(path.join(ROOT, dir))
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => [
			path.join(dir, file),
			JSON.parse(readFileSync(path.join(ROOT, dir, file), 'utf8')),
		]);
const workflows = [...filesIn('.'), ...filesIn('books')];

/**
 * The box a node and its name take on the canvas.
 * @param {WorkflowNode} node @param {number} [outputs] how many outputs the node has
 * @returns {Rect}
 */
const footprint = (node, outputs = 1) => ({
	x: node.position[0] - 40,
	y: node.position[1],
	width: 180,
	height: 150 + 32 * Math.max(0, outputs - 2),
});
/** @param {WorkflowNode} note @returns {Rect} */
const stickyRect = (note) => ({
	x: note.position[0],
	y: note.position[1],
	width: note.parameters.width ?? 240,
	height: note.parameters.height ?? 160,
});
/** Whether two rectangles share any area (touching edges do not). @param {Rect} a @param {Rect} b */
const overlap = (a, b) =>
	a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** @param {WorkflowNode[]} items @param {(item: WorkflowNode) => Rect} rect @returns {string[]} */
const overlappingPairs = (items, rect) => {
	const pairs = [];
	for (let i = 0; i < items.length; i++)
		for (let j = i + 1; j < items.length; j++)
			if (overlap(rect(items[i]), rect(items[j])))
				pairs.push(`${items[i].name} / ${items[j].name}`);
	return pairs;
};

test('every shipped workflow and books adapter is checked', () => {
	expect(workflows.length).toBeGreaterThanOrEqual(13);
	expect(workflows.map(([file]) => file)).toContain('daily-auto-pay.json');
	expect(workflows.map(([file]) => file)).toContain(path.join('books', 'books-rest.json'));
});

test('the footprints overlap exactly when the boxes or names would collide', () => {
	/** @param {number} x @param {number} y @returns {WorkflowNode} */
	const at = (x, y) => ({
		name: `${x},${y}`,
		type: 'n8n-nodes-base.noOp',
		position: [x, y],
		parameters: {},
	});
	expect(overlappingPairs([at(0, 0), at(180, 0)], footprint)).toEqual([]);
	expect(overlappingPairs([at(0, 0), at(160, 0)], footprint)).toEqual(['0,0 / 160,0']);
	expect(overlappingPairs([at(0, 0), at(0, 150)], footprint)).toEqual([]);
	expect(overlappingPairs([at(0, 0), at(100, 140)], footprint)).toEqual(['0,0 / 100,140']);
	// a Switch with four outputs reaches 64 px lower
	expect(overlap(footprint(at(0, 0), 4), footprint(at(0, 200)))).toBe(true);
	expect(overlap(footprint(at(0, 0), 4), footprint(at(0, 220)))).toBe(false);
	const note = /** @type {WorkflowNode} */ ({
		name: 'note',
		type: STICKY,
		position: [0, 0],
		parameters: {},
	});
	expect(overlap(stickyRect(note), footprint(at(280, 0)))).toBe(false);
	expect(overlap(stickyRect(note), footprint(at(260, 0)))).toBe(true);
	expect(overlap(stickyRect(note), footprint(at(0, 160)))).toBe(false);
});

describe.each(workflows)('%s', (_, workflow) => {
	const nodes = workflow.nodes.filter((node) => node.type !== STICKY);
	const notes = workflow.nodes.filter((node) => node.type === STICKY);
	/** @param {WorkflowNode} node */
	const drawn = (node) => footprint(node, workflow.connections[node.name]?.main?.length ?? 1);

	test('no two nodes (box and name) are drawn on top of each other', () => {
		expect(overlappingPairs(nodes, drawn)).toEqual([]);
	});

	test('no sticky note covers a node, nor another sticky note', () => {
		const covered = notes.flatMap((note) =>
			nodes
				.filter((node) => overlap(stickyRect(note), drawn(node)))
				.map((node) => `${note.name} covers ${node.name}`),
		);
		expect(covered).toEqual([]);
		expect(overlappingPairs(notes, stickyRect)).toEqual([]);
	});

	test(`every position (and sticky note size) is on the ${GRID} px grid`, () => {
		/** @param {WorkflowNode} node */
		const measures = (node) =>
			node.type === STICKY ? Object.values(stickyRect(node)) : [...node.position];
		const offGrid = workflow.nodes
			.filter((node) => measures(node).some((value) => value % GRID !== 0))
			.map((node) => node.name);
		expect(offGrid).toEqual([]);
	});

	test("each books call's request, call and check sit side by side, in that order", () => {
		const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
		const calls = nodes.filter(
			(node) =>
				node.type === 'n8n-nodes-base.executeWorkflow' &&
				byName.has(`${node.name}: request`) &&
				byName.has(`${node.name}: done?`),
		);
		for (const call of calls) {
			const request = /** @type {WorkflowNode} */ (byName.get(`${call.name}: request`));
			const done = /** @type {WorkflowNode} */ (byName.get(`${call.name}: done?`));
			expect([call.name, request.position[1], done.position[1]]).toEqual([
				call.name,
				call.position[1],
				call.position[1],
			]);
			expect(request.position[0]).toBeLessThan(call.position[0]);
			expect(call.position[0]).toBeLessThan(done.position[0]);
		}
	});
});
