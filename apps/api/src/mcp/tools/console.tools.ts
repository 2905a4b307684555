import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpTool } from '@app/mcp';
import { commandWords } from '../../console/command-line';
import { ConsoleService } from '../../console/console.service';

export const EXEC_DEFAULT_MAX_BYTES = 64 * 1024;
export const EXEC_MAX_BYTES = 1024 * 1024;
export const EXEC_DEFAULT_TIMEOUT_S = 30;
export const EXEC_MAX_TIMEOUT_S = 300;

const execResult = z.object({
  task: z.string(),
  service: z.string().optional(),
  slot: z.number().optional(),
  node: z.string(),
  command: z.array(z.string()),
  exitCode: z.number().nullable().describe('null when the command did not finish in time'),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean().describe('true: the output was longer than max_bytes and was cut'),
  timedOut: z.boolean(),
  durationMs: z.number(),
  note: z.string().optional(),
});

/** exec for agents: one command in a running task, on whichever node runs it. */
@Injectable()
export class ConsoleTools {
  constructor(private readonly consoles: ConsoleService) {}

  @McpTool({
    name: 'exec_in_task',
    description:
      "Run one command in a running task's container (docker exec, no terminal) on whichever node runs it, through that node's agent, " +
      'and answer its exit code, stdout and stderr (cut at max_bytes together; `truncated` says so). The command runs without a shell ' +
      'unless you ask for one: ["sh", "-c", "…"]. Get task ids from list_tasks. A node without an agent answers UNAVAILABLE (details.reason AGENT_UNAVAILABLE).',
    input: z
      .object({
        task: z
          .string({ required_error: 'is required' })
          .regex(/^[a-z0-9]{1,64}$/i, 'must be a task id (list_tasks)')
          .describe('the task id'),
        command: z
          .union([z.array(z.string()).min(1, 'must not be empty'), z.string().min(1, 'must not be empty')])
          .describe('the program and its arguments, e.g. ["cat", "/etc/hostname"], or one line split as a shell would ("ls -l /data")'),
        timeout: z
          .number()
          .int('must be a whole number')
          .min(1)
          .max(EXEC_MAX_TIMEOUT_S)
          .optional()
          .describe(`seconds before the command is ended (default ${EXEC_DEFAULT_TIMEOUT_S})`),
        max_bytes: z
          .number()
          .int('must be a whole number')
          .min(1)
          .max(EXEC_MAX_BYTES)
          .optional()
          .describe(`bytes of output kept, stdout and stderr together (default ${EXEC_DEFAULT_MAX_BYTES})`),
      })
      .strict(),
    output: execResult,
    annotations: { title: 'Exec in task', destructiveHint: true, openWorldHint: false },
    role: 'admin',
  })
  async execInTask({
    task,
    command,
    timeout,
    max_bytes,
  }: {
    task: string;
    command: string | string[];
    timeout?: number;
    max_bytes?: number;
  }) {
    const maxBytes = max_bytes ?? EXEC_DEFAULT_MAX_BYTES;
    const r = await this.consoles.run(task, commandWords(command), {
      maxBytes,
      timeoutMs: (timeout ?? EXEC_DEFAULT_TIMEOUT_S) * 1000,
    });
    const notes = [
      r.truncated
        ? `the output was cut at ${maxBytes} bytes (stdout and stderr together); raise max_bytes (at most ${EXEC_MAX_BYTES}) or narrow the command`
        : '',
      r.timedOut
        ? `the command did not finish within ${timeout ?? EXEC_DEFAULT_TIMEOUT_S} s and was ended; this is what it wrote until then`
        : '',
    ].filter(Boolean);
    return {
      task: r.target.taskId,
      service: r.target.serviceName,
      slot: r.target.slot,
      node: r.target.nodeHostname,
      command: r.command,
      exitCode: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      truncated: r.truncated,
      timedOut: r.timedOut,
      durationMs: r.durationMs,
      ...(notes.length ? { note: notes.join('; ') } : {}),
    };
  }
}
