import { parse } from 'shell-quote';
import { DomainError } from '@app/common';

export const DEFAULT_CONSOLE_COMMAND = ['sh'];
const MAX_COMMAND_CHARS = 4096;

/**
 * The words of a command line as a user types it (`sh`, `bash -l`,
 * `sh -c 'ls /data | wc -l'`): quotes and backslashes as a shell reads them,
 * nothing expanded. No shell runs it: the first word is the program, so a pipe
 * or a `;` outside quotes is refused rather than passed on as a word.
 */
export function splitCommandLine(text: string): string[] {
  if (text.length > MAX_COMMAND_CHARS) throw new DomainError('INVALID', `command: must be at most ${MAX_COMMAND_CHARS} characters`);
  // a function for env: `$HOME` stays as typed (the program may expand it, the app never does)
  const parts = parse(text, (name) => `$${name}`);
  const words: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') words.push(part);
    else if ('op' in part && part.op === 'glob') words.push(part.pattern);
    else if ('comment' in part) break;
    else {
      throw new DomainError(
        'INVALID',
        `command: "${'op' in part ? part.op : '?'}" needs a shell, and none runs the command; write it as sh -c '…'`,
      );
    }
  }
  if (words.length === 0 || words[0].trim() === '') throw new DomainError('INVALID', 'command: is empty (e.g. sh)');
  return words;
}

/** A command given as words (MCP, the agent) or as one line (the console's field). */
export function commandWords(command: string | string[] | undefined): string[] {
  if (command === undefined) return DEFAULT_CONSOLE_COMMAND;
  if (typeof command === 'string') return splitCommandLine(command);
  if (command.length === 0 || command[0].trim() === '') throw new DomainError('INVALID', 'command: is empty (e.g. ["sh"])');
  return command;
}
