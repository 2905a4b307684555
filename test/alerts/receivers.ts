import { ChildProcess, spawn } from 'node:child_process';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo, connect, createServer as createNetServer } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  at: number;
}

/** An HTTP server standing in for webhook, ntfy and Slack receivers: records every POST; `statusFor` picks the answer by path. */
export async function startHttpReceiver(statusFor: (path: string) => number = () => 200, opts: { keep?: boolean } = {}) {
  const received: Received[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      count++;
      // keep: false counts only, so a long run measures the app's memory, not the receiver's
      if (opts.keep !== false) received.push({ path: req.url ?? '/', headers: req.headers, raw, body, at: Date.now() });
      const status = statusFor(req.url ?? '/');
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    count: () => count,
    on: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Debian's aiosmtpd (python3-aiosmtpd, under the system python) as an SMTP receiver: its debugging handler prints each message on stdout. */
export async function startSmtpReceiver() {
  const port = await freePort();
  const proc: ChildProcess = spawn('/usr/bin/python3', ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (d) => (output += d.toString()));
  proc.stderr!.on('data', (d) => (output += d.toString()));
  const end = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > end || proc.exitCode !== null) throw new Error(`aiosmtpd did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    /** Everything the server printed: the messages with their headers. */
    output: () => output,
    close: () => {
      proc.kill('SIGTERM');
    },
  };
}
