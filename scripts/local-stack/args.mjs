// Tiny `--name value` / `--flag` parser shared by the local-stack scripts (no dependencies).
export function parseArgs(argv, spec) {
	const options = {};
	for (let i = 0; i < argv.length; i++) {
		const name = argv[i].replace(/^--/, '');
		const kind = spec[name];
		if (!argv[i].startsWith('--') || kind === undefined) {
			throw new Error(
				`Unknown argument ${argv[i]}; known: ${Object.keys(spec)
					.map((k) => `--${k}`)
					.join(' ')}`,
			);
		}
		if (kind === 'flag') {
			options[name] = true;
			continue;
		}
		const value = argv[++i];
		if (value === undefined) throw new Error(`--${name} needs a value`);
		if (kind === 'port') {
			const port = Number(value);
			if (!Number.isInteger(port) || port < 0 || port > 65535)
				throw new Error(`--${name}: not a port: ${value}`);
			options[name] = port;
		} else {
			options[name] = value;
		}
	}
	return options;
}

/** Closes the servers on SIGTERM/SIGINT (the launcher stops its processes by PID). */
export function stopOnSignal(close) {
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

export function fail(error) {
	console.error(error.message);
	process.exit(1);
}
