/**
 * The seeds' setting for customers adding their own automatic payment method:
 * Hide / Only show if a payment method is already selected / Show.
 */
export type AddMethodPolicy = 'hide' | 'onlyIfSet' | 'show';

export function addMethodLinkDecision(
	policy: AddMethodPolicy,
	hasAutomaticMethod: boolean,
): { offer: boolean; reason: string | null } {
	if (policy === 'hide') {
		return { offer: false, reason: 'Adding a payment method is hidden for customers' };
	}
	if (policy === 'onlyIfSet' && !hasAutomaticMethod) {
		return {
			offer: false,
			reason:
				'Adding a payment method is offered only to customers who already have an automatic payment method',
		};
	}
	return { offer: true, reason: null };
}
