import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface ConsoleTask {
  taskId: string;
  /** How the terminal names the task: `web.1 on rog1`. */
  label: string;
}

/**
 * The open console, if any. Kept outside the pages (ConsoleHost in App.vue shows it), so a
 * session outlives a page change and, when the token is revoked, the terminal stays on screen
 * saying why while the app goes back to the sign-in page.
 */
export const useConsoleStore = defineStore('console', () => {
  const open = ref<ConsoleTask>();
  return {
    open,
    show: (task: ConsoleTask) => (open.value = task),
    close: () => (open.value = undefined),
  };
});
