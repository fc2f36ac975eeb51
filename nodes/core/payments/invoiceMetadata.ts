import { CoreInputError } from '../errors';

/**
 * How the invoices of one payment are written into Stripe metadata, so that a webhook, a
 * re-run or another worker can tell which invoices a PaymentIntent paid without local state.
 *
 * Stripe allows 50 keys, keys up to 40 characters and values up to 500 characters. Invoice ids
 * go comma-separated into `invoice_ids`, `invoice_ids_2`, ...; their amount and fee lines go in
 * the same order into `invoice_lines`, `invoice_lines_2`, ... as `amountMinor/feeMinor`.
 */
/**
 * The metadata key naming the books customer: on every payment and pay link we make, and on a
 * Stripe customer mapped to a books customer (unless a node's Mapping Metadata Key names another).
 */
export const BOOKS_CUSTOMER_METADATA_KEY = 'books_customer_id';

export const METADATA_MAX_KEYS = 50;
export const METADATA_MAX_VALUE = 500;
const IDS_KEY = 'invoice_ids';
const LINES_KEY = 'invoice_lines';

export interface InvoiceLine {
	invoiceId: string;
	amountMinor: number;
	feeMinor: number;
}

function chunk(entries: string[]): string[] {
	const chunks: string[] = [];
	let current = '';
	for (const entry of entries) {
		const next = current === '' ? entry : `${current},${entry}`;
		if (next.length > METADATA_MAX_VALUE) {
			chunks.push(current);
			current = entry;
		} else {
			current = next;
		}
	}
	if (current !== '') chunks.push(current);
	return chunks;
}

const keyFor = (base: string, index: number) => (index === 0 ? base : `${base}_${index + 1}`);

/**
 * Metadata for the invoices of one payment, merged with `base` (books customer id, purpose...).
 * Fails before any request when the invoices cannot fit in Stripe's limits.
 */
export function encodeInvoiceMetadata(
	lines: InvoiceLine[],
	base: Record<string, string> = {},
): Record<string, string> {
	for (const line of lines) {
		if (line.invoiceId === '' || /[,/]/.test(line.invoiceId) || line.invoiceId.length > 200) {
			throw new CoreInputError(
				'invoiceId',
				`Invoice id "${line.invoiceId}" cannot be stored in Stripe metadata (empty, over 200 characters, or containing "," or "/")`,
			);
		}
	}
	const idChunks = chunk(lines.map((line) => line.invoiceId));
	const lineChunks = chunk(lines.map((line) => `${line.amountMinor}/${line.feeMinor}`));
	const metadata: Record<string, string> = { ...base };
	if (lines.length === 1) metadata.invoice_id = lines[0].invoiceId;
	idChunks.forEach((value, index) => (metadata[keyFor(IDS_KEY, index)] = value));
	lineChunks.forEach((value, index) => (metadata[keyFor(LINES_KEY, index)] = value));
	metadata.invoice_count = String(lines.length);
	const keys = Object.keys(metadata).length;
	if (keys > METADATA_MAX_KEYS) {
		throw new CoreInputError(
			'invoiceId',
			`${lines.length} invoices do not fit in one Stripe payment's metadata (${keys} keys needed, Stripe allows ${METADATA_MAX_KEYS}); pay them in smaller groups`,
		);
	}
	return metadata;
}

function readChunks(metadata: Record<string, string>, base: string): string[] {
	const entries: string[] = [];
	for (let index = 0; metadata[keyFor(base, index)] !== undefined; index++) {
		entries.push(...metadata[keyFor(base, index)].split(','));
	}
	return entries.filter((entry) => entry !== '');
}

/** The invoice lines a payment carries, [] for a payment not made by this package. */
export function decodeInvoiceMetadata(
	metadata: Record<string, string> | null | undefined,
): InvoiceLine[] {
	if (!metadata) return [];
	const ids = readChunks(metadata, IDS_KEY);
	if (ids.length === 0 && metadata.invoice_id) ids.push(metadata.invoice_id);
	const lines = readChunks(metadata, LINES_KEY);
	return ids.map((invoiceId, index) => {
		const [amount, fee] = (lines[index] ?? '').split('/');
		return { invoiceId, amountMinor: Number(amount) || 0, feeMinor: Number(fee) || 0 };
	});
}
