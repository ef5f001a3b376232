/** Harvest runs take the core lease (src/core/lease.ts) named after their source. */
export { takeLease, renewLease, releaseLease, leaseHolder, newOwner, withLease } from '../../core/lease.js';

export const harvestLeaseName = (sourceId: string) => `catalog-harvest:${sourceId}`;
