/** A parsed YAML mapping, before it is known to be a compose file. */
export type Json = Record<string, unknown>;
export const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
