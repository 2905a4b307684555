import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const KEY = 'swarm-orchestrator.token';

/** The API token for this tab (sessionStorage: gone when the tab closes) and what its role may do. */
export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(sessionStorage.getItem(KEY));
  const name = ref<string>();
  const role = ref<Role>();
  /** Why the last session ended without the operator signing out (the API's 401 message), for the sign-in page. */
  const endedReason = ref<string>();

  // a token with an expiry ends the session at that moment, saying so, rather than at the next refused request
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  function signIn(value: string, me: { name: string; role: Role; expiresAt?: string }) {
    token.value = value;
    name.value = me.name;
    role.value = me.role;
    endedReason.value = undefined;
    sessionStorage.setItem(KEY, value);
    clearTimeout(expiryTimer);
    const left = me.expiresAt ? Date.parse(me.expiresAt) - Date.now() : NaN;
    // setTimeout cannot wait longer than ~24 days; a later expiry is caught by the next refused request
    if (left < 2 ** 31 - 1) expiryTimer = setTimeout(() => signOut(`token "${me.name}" expired at ${me.expiresAt}`), Math.max(0, left));
  }

  function signOut(reason?: string) {
    clearTimeout(expiryTimer);
    endedReason.value = reason;
    token.value = null;
    name.value = undefined;
    role.value = undefined;
    sessionStorage.removeItem(KEY);
  }

  /** Controls the role may not use are shown disabled, not refused after the click. */
  const can = (needed: Role) => computed(() => role.value !== undefined && RANK[role.value] >= RANK[needed]);

  return { token, name, role, endedReason, signIn, signOut, can };
});

/** The token for code outside components (the API client, SSE). */
export function currentToken(): string | null {
  return sessionStorage.getItem(KEY);
}
