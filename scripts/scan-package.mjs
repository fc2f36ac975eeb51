#!/usr/bin/env node
// The tarball as n8n's reviewers see it (`npm run scan`, after `npm run build`).
//
// 1. `npm pack`, then every file in the tarball must be one n8n reads (package.json, README,
//    LICENSE, CHANGELOG, the compiled nodes and credentials with their type declarations, codex
//    and icons, the bundled workflows): no source maps, build info, screenshots or test output.
// 2. n8n's community package scanner (@n8n/scan-community-package, pinned as a dev dependency)
//    runs its analysis: the same two legs its CLI runs on a published package, the source
//    (package.json, nodes/, credentials/) and the unpacked tarball (its .js and package.json).
//    Its CLI only scans a package already published with npm provenance, so this calls its
//    analysis on the local tarball instead. Zero errors, or the command fails.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// What n8n loads from an installed community package, and the files npm always ships.
const SHIPPED = [
	/^package\.json$/,
	/^README\.md$/,
	/^LICENSE$/,
	/^CHANGELOG\.md$/,
	/^dist\/index\.(js|d\.ts)$/,
	/^dist\/(nodes|credentials)\/.+\.(js|d\.ts)$/,
	/^dist\/nodes\/.+\.node\.json$/,
	/^dist\/(icons|nodes|credentials)\/.+\.(svg|png)$/,
	/^dist\/workflows\/.+\.json$/,
];

function pack(into) {
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', into], {
		cwd: REPO,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [{ filename, files }] = JSON.parse(out);
	return { tarball: path.join(into, filename), files: files.map((f) => f.path) };
}

function unpack(tarball, into) {
	fs.mkdirSync(into, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', into, '--strip-components=1']);
	return into;
}

function report(leg, result) {
	if (result.details) console.log(result.details);
	console.log(
		`${result.passed ? 'ok' : 'FAILED'}: scanner, ${leg}${result.message ? ` (${result.message})` : ''}`,
	);
	return result.passed;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-payments-scan-'));
try {
	const { tarball, files } = pack(work);
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	const unexpected = files.filter((file) => !SHIPPED.some((pattern) => pattern.test(file)));
	const declared = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	const missing = declared.filter((file) => !files.includes(file));
	for (const file of unexpected) console.log(`not for n8n, but in the tarball: ${file}`);
	for (const file of missing)
		console.log(`declared in package.json "n8n", not in the tarball: ${file}`);
	const contentsOk = unexpected.length === 0 && missing.length === 0;
	console.log(
		`${contentsOk ? 'ok' : 'FAILED'}: tarball ${path.basename(tarball)}, ${files.length} files`,
	);

	const packageDir = unpack(tarball, path.join(work, 'package'));
	const sourceOk = report('source', await analyzePackage(REPO, SOURCE_FILE_PATTERNS));
	const tarballOk = report(
		'tarball',
		await analyzePackage(packageDir, ['**/*.js', 'package.json']),
	);
	process.exitCode = contentsOk && sourceOk && tarballOk ? 0 : 1;
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
