import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface Toast {
  id: number;
  kind: 'success' | 'error';
  text: string;
}

/** Short notices after an action: successes fade on their own, errors stay until dismissed or replaced. */
export const useToastStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let next = 1;

  function dismiss(id: number) {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  function show(kind: Toast['kind'], text: string) {
    const id = next++;
    // the newest few are enough; an operator clicking through a list should not bury the screen
    toasts.value = [...toasts.value.slice(-3), { id, kind, text }];
    setTimeout(() => dismiss(id), kind === 'success' ? 5_000 : 15_000);
  }

  return { toasts, show, dismiss, success: (text: string) => show('success', text), error: (text: string) => show('error', text) };
});
