/** Every route of the contract lives under it. */
export const API_PREFIX = 'api/v1';
