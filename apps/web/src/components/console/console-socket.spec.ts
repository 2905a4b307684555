import { describe, expect, it, vi } from 'vitest';
import { bearerProtocol, CONSOLE_PROTOCOL, consoleUrl, openConsoleSocket, type ConsoleHandlers } from './console-socket';

class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  binaryType = 'blob';
  sent: unknown[] = [];
  closed?: { code?: number; reason?: string };
  onopen?: () => void;
  onmessage?: (e: { data: unknown }) => void;
  onclose?: (e: { code: number; reason: string }) => void;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: unknown) {
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }
}

function handlers(): ConsoleHandlers & Record<string, ReturnType<typeof vi.fn>> {
  return { onData: vi.fn(), onReady: vi.fn(), onExit: vi.fn(), onError: vi.fn(), onEnd: vi.fn(), onClose: vi.fn() };
}

describe('console socket', () => {
  it('offers the token as a base64url subprotocol, so any token is a valid protocol name', () => {
    expect(bearerProtocol('so_abc-_1')).toBe(`bearer.${btoa('so_abc-_1').replace(/=+$/, '')}`);
    expect(bearerProtocol('a token with spaces/+=?')).toMatch(/^bearer\.[A-Za-z0-9_-]+$/);
    expect(atob(bearerProtocol('é€').slice(7).replace(/-/g, '+').replace(/_/g, '/'))).toBe(
      String.fromCharCode(...new TextEncoder().encode('é€')),
    );
  });

  it('builds the session URL on the page origin, wss under https', () => {
    expect(consoleUrl({ protocol: 'http:', host: 'mini2:8080' }, 'abc', 'bash -l', 80, 24)).toBe(
      'ws://mini2:8080/api/console/tasks/abc/session?command=bash+-l&cols=80&rows=24',
    );
    expect(consoleUrl({ protocol: 'https:', host: 'ops.example.com' }, 'abc', 'sh', 1, 1)).toMatch(/^wss:\/\/ops\.example\.com\//);
  });

  it('sends keystrokes as binary and resizes as JSON, and hands each server message to its handler', () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    let fake!: FakeSocket;
    const h = handlers();
    const socket = openConsoleSocket({ taskId: 't1', command: 'sh', cols: 100, rows: 30, token: 'so_x' }, h, (url, protocols) => {
      fake = new FakeSocket(url, protocols);
      return fake as unknown as WebSocket;
    });
    expect(fake.protocols).toEqual([CONSOLE_PROTOCOL, bearerProtocol('so_x')]);
    expect(fake.binaryType).toBe('arraybuffer');
    socket.send('ls\r');
    expect(fake.sent).toEqual([]); // not open yet: nothing is queued behind the user's back
    fake.readyState = 1;
    fake.onopen?.();
    socket.send('ls\r');
    socket.resize(120, 40);
    expect(new TextDecoder().decode(fake.sent[0] as Uint8Array)).toBe('ls\r');
    expect(fake.sent[1]).toBe('{"type":"resize","cols":120,"rows":40}');

    fake.onmessage?.({ data: new Uint8Array([104, 105]).buffer });
    expect(h.onData).toHaveBeenCalledWith(new Uint8Array([104, 105]));
    fake.onmessage?.({ data: JSON.stringify({ type: 'ready', taskId: 't1', node: 'rog1', command: ['sh'], containerId: 'c' }) });
    expect(h.onReady).toHaveBeenCalledWith(expect.objectContaining({ node: 'rog1' }));
    fake.onmessage?.({ data: JSON.stringify({ type: 'end', reason: 'token revoked', message: 'the session ended: token revoked' }) });
    expect(h.onEnd).toHaveBeenCalledWith('token revoked', 'the session ended: token revoked');
    fake.onmessage?.({ data: JSON.stringify({ type: 'exit', exitCode: 3 }) });
    expect(h.onExit).toHaveBeenCalledWith(3);
    fake.onclose?.({ code: 4001, reason: 'token revoked' });
    expect(h.onClose).toHaveBeenCalledWith({ code: 4001, reason: 'token revoked', refused: false });
    vi.unstubAllGlobals();
  });

  it('a handshake refused before it opened says so', () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    let fake!: FakeSocket;
    const h = handlers();
    openConsoleSocket({ taskId: 't1', command: 'sh', cols: 80, rows: 24, token: 'bad' }, h, (url, protocols) => {
      fake = new FakeSocket(url, protocols);
      return fake as unknown as WebSocket;
    });
    fake.onclose?.({ code: 1006, reason: '' });
    expect(h.onClose).toHaveBeenCalledWith({ code: 1006, reason: '', refused: true });
    vi.unstubAllGlobals();
  });
});
