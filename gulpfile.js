// n8n-node build copies icons; this task adds what it does not: the bundled workflow JSON and
// the codex files, so the published package carries the workflows admins import.
const { src, dest, parallel } = require('gulp');

function copyWorkflows() {
	return src('workflows/*.json', { allowEmpty: true }).pipe(dest('dist/workflows'));
}

function copyIconsAndCodex() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		allowEmpty: true,
	}).pipe(dest('dist'));
}

exports['build:assets'] = parallel(copyWorkflows, copyIconsAndCodex);
