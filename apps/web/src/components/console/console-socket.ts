/*
 * The browser's end of the console WebSocket (GET /api/console/tasks/{id}/session):
 * binary messages are terminal bytes both ways, text messages JSON control
 * (`resize` from here; `ready`, `exit`, `error`, `end` from the server).
 */

export const CONSOLE_PROTOCOL = 'swarm-console';
/** The server's close code when the token was revoked or expired. */
export const CLOSE_ACCESS_ENDED = 4001;

export interface ConsoleReady {
  taskId: string;
  service?: string;
  slot?: number;
  node: string;
  command: string[];
  containerId: string;
}

export interface ConsoleHandlers {
  onData(bytes: Uint8Array): void;
  onReady(info: ConsoleReady): void;
  /** The command ended by itself. */
  onExit(exitCode: number | null): void;
  /** The session could not open, or a control failed (code as the REST API has it). */
  onError(code: string, message: string): void;
  /** The server ended the session (the token was revoked or expired, the agent went away). */
  onEnd(reason: string, message: string): void;
  /** The socket closed; `refused` when it never opened (the handshake was refused: no admin token, or none valid). */
  onClose(info: { code: number; reason: string; refused: boolean }): void;
}

export interface ConsoleSocket {
  send(text: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

/** The token as a subprotocol (a browser cannot set Authorization on a WebSocket): base64url, so any token is a valid protocol name. */
export function bearerProtocol(token: string): string {
  const bytes = new TextEncoder().encode(token);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `bearer.${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

export function consoleUrl(
  location: Pick<Location, 'protocol' | 'host'>,
  taskId: string,
  command: string,
  cols: number,
  rows: number,
): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ command, cols: String(cols), rows: String(rows) });
  return `${scheme}//${location.host}/api/console/tasks/${encodeURIComponent(taskId)}/session?${query}`;
}

export function openConsoleSocket(
  opts: { taskId: string; command: string; cols: number; rows: number; token: string },
  handlers: ConsoleHandlers,
  makeSocket: (url: string, protocols: string[]) => WebSocket = (url, protocols) => new WebSocket(url, protocols),
): ConsoleSocket {
  const socket = makeSocket(consoleUrl(window.location, opts.taskId, opts.command, opts.cols, opts.rows), [
    CONSOLE_PROTOCOL,
    bearerProtocol(opts.token),
  ]);
  socket.binaryType = 'arraybuffer';
  let opened = false;
  const encoder = new TextEncoder();
  socket.onopen = () => (opened = true);
  socket.onmessage = (event: MessageEvent) => {
    if (event.data instanceof ArrayBuffer) return handlers.onData(new Uint8Array(event.data));
    let m: { type?: string } & Record<string, unknown>;
    try {
      m = JSON.parse(String(event.data)) as typeof m;
    } catch {
      return;
    }
    if (m.type === 'ready') handlers.onReady(m as unknown as ConsoleReady);
    else if (m.type === 'exit') handlers.onExit((m.exitCode as number | null) ?? null);
    else if (m.type === 'error') handlers.onError(String(m.code), String(m.message));
    else if (m.type === 'end') handlers.onEnd(String(m.reason), String(m.message));
  };
  socket.onclose = (event: CloseEvent) => handlers.onClose({ code: event.code, reason: event.reason, refused: !opened });
  return {
    // keystrokes go as binary: text messages are the control channel
    send: (text) => socket.readyState === WebSocket.OPEN && socket.send(encoder.encode(text)),
    resize: (cols, rows) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: 'resize', cols, rows })),
    close: () => socket.close(1000, 'closed by the user'),
  };
}
