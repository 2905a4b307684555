/** The WebSocket subprotocol of the console; the browser offers it beside its token. */
export const CONSOLE_PROTOCOL = 'swarm-console';
/** A browser cannot set headers on a WebSocket: it offers `bearer.<base64url(token)>` as a second subprotocol, which is never echoed. */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';
export const CONSOLE_PATH = '/api/console/tasks/:taskId/session';
/** Close codes the terminal explains: the command ended (1000), access ended (4001), the session failed (4000). */
export const CLOSE_ACCESS_ENDED = 4001;
export const CLOSE_FAILED = 4000;
