import { shallowRef } from 'vue';

/** What a confirmation asks: the title names the action, the message what will happen, `confirmLabel` the button that does it. */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  /** red button: the action removes or stops something */
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve: (ok: boolean) => void;
}

/** The one open confirmation (ConfirmDialog shows it); a second request cancels the first. */
export const pendingConfirm = shallowRef<Pending>();

/**
 * Asks the operator before a change, in the app's accessible dialog (not
 * `window.confirm`): resolves true on the confirm button, false on Cancel or Esc.
 */
export function confirmAction(request: ConfirmRequest): Promise<boolean> {
  pendingConfirm.value?.resolve(false);
  return new Promise((resolve) => {
    pendingConfirm.value = {
      ...request,
      resolve: (ok) => {
        pendingConfirm.value = undefined;
        resolve(ok);
      },
    };
  });
}
