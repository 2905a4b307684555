import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { McpCallContext, McpServerFactory } from './mcp-server.factory';

/** Why the stdio server stopped serving. */
export type StdioEnd = 'stdin closed' | 'transport closed' | NodeJS.Signals;

const END_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * Serves the tools over stdin/stdout until the client lets go: its end of
 * stdin closes (the stdio transport's way to end a session), or a signal
 * arrives. The SDK's transport only listens for data, so without the 'end'
 * listener a server whose client exited would run on with nothing to read.
 * Resolves with the reason; the caller closes the app and exits.
 */
export async function serveStdio(factory: McpServerFactory, context: McpCallContext = {}): Promise<StdioEnd> {
  const server = factory.create(context);
  const transport = new StdioServerTransport();
  let finish!: (why: StdioEnd) => void;
  const ended = new Promise<StdioEnd>((resolve) => (finish = resolve));
  const onEnd = () => finish('stdin closed');
  const onSignal = (signal: NodeJS.Signals) => finish(signal);
  transport.onclose = () => finish('transport closed');
  process.stdin.once('end', onEnd).once('close', onEnd);
  for (const s of END_SIGNALS) process.once(s, onSignal);
  await server.connect(transport);
  const why = await ended;
  process.stdin.off('end', onEnd).off('close', onEnd);
  // a second signal while closing ends the process the default way
  for (const s of END_SIGNALS) process.off(s, onSignal);
  await server.close().catch(() => undefined);
  process.stdin.destroy();
  return why;
}
