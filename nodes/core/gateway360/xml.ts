import { Gateway360ApiError } from './errors';

/**
 * A small, strict XML reader for the gateway's query.php answers: elements, attributes, text,
 * the five predefined entities, character references, CDATA, comments and an XML declaration.
 * No DOCTYPE (so no entity expansion), no processing instructions after the declaration.
 * Anything outside that subset, or malformed, is refused rather than guessed at.
 */

export interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	/** the element's own text (CDATA included), entities decoded, not trimmed */
	text: string;
}

const MAX_DEPTH = 32;
const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function malformed(problem: string, offset: number): Gateway360ApiError {
	return new Gateway360ApiError({
		message: `The gateway's XML answer is malformed: ${problem} at character ${offset}`,
		kind: 'unreadable_answer',
	});
}

class Reader {
	position = 0;

	constructor(readonly source: string) {}

	startsWith(text: string): boolean {
		return this.source.startsWith(text, this.position);
	}

	skipWhitespace(): void {
		while (this.position < this.source.length && /\s/.test(this.source[this.position])) {
			this.position++;
		}
	}

	expect(text: string): void {
		if (!this.startsWith(text)) throw malformed(`expected "${text}"`, this.position);
		this.position += text.length;
	}

	name(): string {
		NAME.lastIndex = this.position;
		const match = NAME.exec(this.source);
		if (!match) throw malformed('expected a name', this.position);
		this.position += match[0].length;
		return match[0];
	}

	until(terminator: string, what: string): string {
		const end = this.source.indexOf(terminator, this.position);
		if (end === -1) throw malformed(`unterminated ${what}`, this.position);
		const text = this.source.slice(this.position, end);
		this.position = end + terminator.length;
		return text;
	}

	/** Skips comments and whitespace between markup (prolog, epilogue). */
	skipMisc(): void {
		for (;;) {
			this.skipWhitespace();
			if (!this.startsWith('<!--')) return;
			this.position += 4;
			const body = this.until('-->', 'comment');
			if (body.includes('--')) throw malformed('"--" inside a comment', this.position);
		}
	}
}

function decodeText(raw: string, offset: number): string {
	if (raw.includes('<')) throw malformed('"<" in text', offset);
	return raw.replace(/&([^;&\s]*);?/g, (whole, reference: string) => {
		if (!whole.endsWith(';')) throw malformed('an unterminated entity', offset);
		if (reference in PREDEFINED) return PREDEFINED[reference];
		const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(reference);
		if (!numeric) throw malformed(`the unknown entity "&${reference};"`, offset);
		const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
		const allowed =
			codePoint === 0x9 ||
			codePoint === 0xa ||
			codePoint === 0xd ||
			(codePoint >= 0x20 && codePoint <= 0xd7ff) ||
			(codePoint >= 0xe000 && codePoint <= 0xfffd) ||
			(codePoint >= 0x10000 && codePoint <= 0x10ffff);
		if (!allowed) throw malformed(`a character reference to an invalid character`, offset);
		return String.fromCodePoint(codePoint);
	});
}

function readAttributes(reader: Reader): Record<string, string> {
	const attributes: Record<string, string> = Object.create(null);
	for (;;) {
		const before = reader.position;
		reader.skipWhitespace();
		if (reader.startsWith('>') || reader.startsWith('/>')) return attributes;
		if (reader.position === before)
			throw malformed('expected whitespace before an attribute', before);
		const name = reader.name();
		reader.skipWhitespace();
		reader.expect('=');
		reader.skipWhitespace();
		const quote = reader.source[reader.position];
		if (quote !== '"' && quote !== "'")
			throw malformed('an unquoted attribute value', reader.position);
		reader.position++;
		const offset = reader.position;
		const value = reader.until(quote, 'attribute value');
		if (name in attributes) throw malformed(`the attribute "${name}" twice`, offset);
		attributes[name] = decodeText(value, offset);
	}
}

function readElement(reader: Reader, depth: number): XmlElement {
	if (depth > MAX_DEPTH) throw malformed('elements nested too deeply', reader.position);
	reader.expect('<');
	const element: XmlElement = {
		name: reader.name(),
		attributes: {},
		children: [],
		text: '',
	};
	element.attributes = readAttributes(reader);
	if (reader.startsWith('/>')) {
		reader.position += 2;
		return element;
	}
	reader.expect('>');
	for (;;) {
		if (reader.position >= reader.source.length) {
			throw malformed(`<${element.name}> is never closed`, reader.position);
		}
		if (reader.startsWith('</')) {
			reader.position += 2;
			const closing = reader.name();
			if (closing !== element.name) {
				throw malformed(`</${closing}> closes <${element.name}>`, reader.position);
			}
			reader.skipWhitespace();
			reader.expect('>');
			return element;
		}
		if (reader.startsWith('<![CDATA[')) {
			reader.position += 9;
			element.text += reader.until(']]>', 'CDATA section');
		} else if (reader.startsWith('<!--')) {
			reader.skipMisc();
		} else if (reader.startsWith('<!') || reader.startsWith('<?')) {
			throw malformed('markup this reader does not accept', reader.position);
		} else if (reader.startsWith('<')) {
			element.children.push(readElement(reader, depth + 1));
		} else {
			const offset = reader.position;
			const next = reader.source.indexOf('<', offset);
			const end = next === -1 ? reader.source.length : next;
			reader.position = end;
			element.text += decodeText(reader.source.slice(offset, end), offset);
		}
	}
}

/** Parses one XML document into its root element. */
export function parseXml(source: string): XmlElement {
	const reader = new Reader(source.startsWith('\ufeff') ? source.slice(1) : source);
	if (reader.startsWith('<?xml')) {
		reader.position += 5;
		reader.until('?>', 'XML declaration');
	}
	reader.skipMisc();
	if (reader.startsWith('<!')) throw malformed('a DOCTYPE, which is not accepted', reader.position);
	if (!reader.startsWith('<')) throw malformed('no root element', reader.position);
	const root = readElement(reader, 1);
	reader.skipMisc();
	if (reader.position !== reader.source.length) {
		throw malformed('content after the root element', reader.position);
	}
	return root;
}

/** The direct children named `name`. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
	return element.children.filter((child) => child.name === name);
}

/**
 * The trimmed text of the single direct child `name`: null when absent or empty. Two children
 * of that name are refused: a field the adapter reads must be unambiguous.
 */
export function childText(element: XmlElement, name: string): string | null {
	const matches = childElements(element, name);
	if (matches.length > 1) {
		throw new Gateway360ApiError({
			message: `The gateway's XML answer has <${name}> twice in <${element.name}>`,
			kind: 'unreadable_answer',
		});
	}
	const text = matches[0]?.text.trim() ?? '';
	return text === '' ? null : text;
}
