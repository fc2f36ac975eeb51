/**
 * Which Stripe webhook endpoint a trigger should keep when it is activated again. The secret is
 * only returned when an endpoint is created, so an endpoint is reused only while we still hold
 * its secret; stale endpoints this workflow made before are removed, never leaked (an account
 * holds at most 16).
 */
export interface EndpointLike {
	id: string;
	url: string;
	enabled_events: string[];
	api_version?: string | null;
	metadata?: Record<string, string> | null;
}

export interface WantedEndpoint {
	url: string;
	events: string[];
	apiVersion: string;
	/** identifies the endpoints this trigger made: workflow id + node id */
	ownerTag: string;
}

export type EndpointPlan =
	| { action: 'reuse'; endpointId: string; deleteIds: string[] }
	| { action: 'update'; endpointId: string; deleteIds: string[] }
	| { action: 'create'; deleteIds: string[] };

export const OWNER_METADATA_KEY = 'n8n_trigger';

const sameEvents = (a: string[], b: string[]) =>
	a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

export function planEndpoint(
	existing: EndpointLike[],
	wanted: WantedEndpoint,
	known: { endpointId?: string; hasSecret: boolean },
): EndpointPlan {
	const ours = existing.filter(
		(endpoint) =>
			endpoint.id === known.endpointId ||
			endpoint.metadata?.[OWNER_METADATA_KEY] === wanted.ownerTag,
	);
	const keep = known.hasSecret
		? ours.find((endpoint) => endpoint.id === known.endpointId)
		: undefined;
	const deleteIds = ours.filter((endpoint) => endpoint !== keep).map((endpoint) => endpoint.id);
	if (!keep) return { action: 'create', deleteIds };
	const current =
		keep.url === wanted.url &&
		sameEvents(keep.enabled_events, wanted.events) &&
		(keep.api_version ?? wanted.apiVersion) === wanted.apiVersion;
	// Stripe cannot change an endpoint's API version in place: a new version needs a new endpoint.
	if ((keep.api_version ?? wanted.apiVersion) !== wanted.apiVersion) {
		return { action: 'create', deleteIds: [...deleteIds, keep.id] };
	}
	return { action: current ? 'reuse' : 'update', endpointId: keep.id, deleteIds };
}
