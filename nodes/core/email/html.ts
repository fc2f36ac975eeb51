/**
 * HTML escaping: the package's one escaper, for everything it renders as HTML (the emails and
 * the Pay Now page). Element content and double- or single-quoted attribute values alike.
 */
export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}
