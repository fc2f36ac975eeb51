import { escapeHtml } from './html';
import { oneLine } from './plainText';

/**
 * The two shapes an email takes, each rendered as plain text and as HTML from the same parts:
 * a letter (the payment emails) and a list report (the run report, the preview, the mismatch
 * notice). The words are the composers'; this file only lays them out and escapes them.
 */

export interface RenderedEmail {
	text: string;
	html: string;
}

/** A payment email: greeting, opening, a reason (failures), a table of details, links, signature. */
export interface Letter {
	greeting: string;
	opening: string;
	/** why a payment failed; null when there is nothing to explain */
	reason: string | null;
	/** what happens next (a retry's day, or no more tries); absent or null: nothing said */
	next?: string | null;
	rows: Array<[label: string, value: string]>;
	links: Array<[label: string, url: string]>;
	/** the business name; '' for none */
	signature: string;
}

export function renderLetter(letter: Letter): RenderedEmail {
	const { greeting, opening, reason, rows, links, signature } = letter;
	const next = letter.next ?? null;
	const text = [
		greeting,
		'',
		opening,
		...(reason !== null ? ['', `Reason: ${reason}`] : []),
		...(next !== null ? ['', `What happens next: ${next}`] : []),
		'',
		...rows.map(([label, value]) => `${label}: ${value}`),
		...(links.length ? ['', ...links.map(([label, url]) => `${label}: ${url}`)] : []),
		...(signature ? ['', signature] : []),
	].join('\n');
	const htmlRows = rows
		.map(
			([label, value]) =>
				`<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
		)
		.join('');
	const htmlLinks = links
		.map(([label, url]) => `<p><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>`)
		.join('');
	const html = [
		`<p>${escapeHtml(greeting)}</p>`,
		`<p>${escapeHtml(opening)}</p>`,
		reason !== null ? `<p><strong>Reason:</strong> ${escapeHtml(reason)}</p>` : '',
		next !== null ? `<p><strong>What happens next:</strong> ${escapeHtml(next)}</p>` : '',
		`<table cellpadding="4">${htmlRows}</table>`,
		htmlLinks,
		signature ? `<p>${escapeHtml(signature)}</p>` : '',
	].join('');
	return { text, html };
}

/** A report: a heading, a few figures, titled lists, a closing paragraph when one is given. */
export interface ListReport {
	heading: string;
	figures: string[];
	/** each list reads "- none" when empty */
	lists: Array<[title: string, lines: string[]]>;
	closing?: string;
	/** signs the text only */
	businessName?: string | null;
}

export function renderListReport(report: ListReport): RenderedEmail {
	const text = [
		report.heading,
		'',
		...report.figures,
		...report.lists.flatMap(([title, lines]) => [
			'',
			`${title}:`,
			...(lines.length ? lines.map((line) => `- ${line}`) : ['- none']),
		]),
		...(report.closing ? ['', report.closing] : []),
		...(report.businessName ? ['', oneLine(report.businessName, '')] : []),
	].join('\n');
	const htmlList = (lines: string[]) =>
		lines.length
			? `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
			: '<p>none</p>';
	const html = [
		`<p>${escapeHtml(report.heading)}</p>`,
		`<p>${report.figures.map(escapeHtml).join('<br>')}</p>`,
		...report.lists.map(([title, lines]) => `<h3>${escapeHtml(title)}</h3>${htmlList(lines)}`),
		report.closing ? `<p>${escapeHtml(report.closing)}</p>` : '',
	].join('');
	return { text, html };
}
