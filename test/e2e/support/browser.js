'use strict';
// @ts-check
/** Debian's Chromium, headless, driven by playwright-core (no browser download). */
const { existsSync } = require('node:fs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian's chromium package, for ensureDebianPackages (the e2e run installs it first). */
const CHROMIUM_PACKAGE = { name: 'chromium', present: () => existsSync(CHROMIUM) };

async function launchChromium() {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium`);
	}
	const { chromium } = require('playwright-core');
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		timeout: 60_000,
		// Without the background-networking flags Chromium keeps calling out of this closed network.
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

module.exports = { CHROMIUM_PACKAGE, launchChromium };
