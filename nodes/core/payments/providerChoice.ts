/**
 * One online payment provider at a time (the ARI seed): wherever a web invoice is offered
 * online payment, 360 Payments is used when it is connected, otherwise Stripe when it is
 * connected, otherwise none. Never both: a connected Stripe is ignored while 360 Payments is
 * connected. "Disconnected" 360 Payments (online payment through it switched off) is simply
 * `gateway360Connected: false`.
 */

export type OnlinePaymentProvider = 'gateway360' | 'stripe' | 'none';

export interface ProviderConnections {
	gateway360Connected: boolean;
	stripeConnected: boolean;
}

export interface ProviderChoice {
	onlinePaymentProvider: OnlinePaymentProvider;
	/** true when the web invoice shows a Pay Now control at all */
	payNowOffered: boolean;
	/** a connected provider that is not used because of the one-provider rule */
	ignoredProvider: OnlinePaymentProvider | null;
	reason: string;
}

export function chooseOnlinePaymentProvider(connections: ProviderConnections): ProviderChoice {
	const { gateway360Connected, stripeConnected } = connections;
	if (gateway360Connected) {
		return {
			onlinePaymentProvider: 'gateway360',
			payNowOffered: true,
			ignoredProvider: stripeConnected ? 'stripe' : null,
			reason: stripeConnected
				? '360 Payments is connected and takes priority over Stripe (one online payment provider at a time)'
				: '360 Payments is connected',
		};
	}
	if (stripeConnected) {
		return {
			onlinePaymentProvider: 'stripe',
			payNowOffered: true,
			ignoredProvider: null,
			reason: '360 Payments is not connected; Stripe is',
		};
	}
	return {
		onlinePaymentProvider: 'none',
		payNowOffered: false,
		ignoredProvider: null,
		reason: 'No online payment provider is connected: the web invoice offers no online payment',
	};
}

/**
 * Reads a connection flag as n8n workflows carry it: a boolean, or the strings "true"/"false"
 * (and "1"/"0", "yes"/"no") from a Set node or an environment variable. Anything else is
 * "not connected": online payment is only offered on a clear yes.
 */
export function connectionFlag(value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value === 1;
	if (typeof value !== 'string') return false;
	return ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase());
}
