// The app asks before a change in its own dialog (ConfirmDialog.vue), not window.confirm:
// journeys that used to answer the browser's `dialog` event answer that dialog instead.

/**
 * Answers every confirmation the app opens on `page`: `answer(text)` says yes or no
 * (yes when not given); `log` gets each one's title, message and button, as one text.
 * Returns a function that stops answering.
 */
export function answerConfirmations(page, { answer = () => true, log = [] } = {}) {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || page.isClosed()) return;
    busy = true;
    try {
      const dialog = page.locator('[data-testid=confirm-dialog][open]');
      if (await dialog.count()) {
        const text = [
          await dialog.locator('#confirm-title').innerText(),
          await dialog.locator('#confirm-message').innerText(),
          await dialog.locator('[data-testid=confirm-ok]').innerText(),
        ].join('\n');
        log.push(text);
        await dialog.locator(answer(text) ? '[data-testid=confirm-ok]' : '[data-testid=confirm-cancel]').click();
        await dialog.waitFor({ state: 'hidden', timeout: 5_000 });
      }
    } catch {
      // the page moved on while we looked: the next tick looks again
    } finally {
      busy = false;
    }
  }, 100);
  // a watcher, not work: it must not keep the test process alive once the journeys end
  timer.unref();
  return () => clearInterval(timer);
}
