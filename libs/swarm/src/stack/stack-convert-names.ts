import { DomainError } from '@app/common';
import { STACK_NAMESPACE_LABEL } from './stack.types';

// How the stack's names and labels are made, shared by every converter (as the CLI's cli/compose/convert names them).

/** An INVALID error naming the compose key at fault. */
export const invalid = (key: string, message: string) => new DomainError('INVALID', `${key}: ${message}`, { key });

export const scope = (stack: string, name: string) => `${stack}_${name}`;
export const withNamespace = (stack: string, labels: Record<string, string>) => ({ ...labels, [STACK_NAMESPACE_LABEL]: stack });
export const isExternal = (o: { external?: boolean | { name?: string } } | null | undefined): boolean => Boolean(o?.external);
export const externalName = (key: string, o: { name?: string; external?: boolean | { name?: string } }): string =>
  o.name ?? (typeof o.external === 'object' ? o.external.name : undefined) ?? key;
/** Networks the Engine knows on every node, which take no aliases (the CLI's "not user defined"). */
export const BUILTIN_NETWORKS = new Set(['default', 'bridge', 'host', 'none']);
export const stringMap = (o: Record<string, string | number | null> | undefined): Record<string, string> | undefined =>
  o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? '' : String(v)])) : undefined;
