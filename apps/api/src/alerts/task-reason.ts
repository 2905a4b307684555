import type { TaskSummary } from '@app/swarm';

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT: interrupted',
  6: 'SIGABRT: the program aborted',
  9: 'SIGKILL: killed, most often for running out of memory (the memory limit or the node) or stopped by force',
  11: 'SIGSEGV: segmentation fault',
  13: 'SIGPIPE: wrote to a closed pipe',
  15: 'SIGTERM: asked to stop',
};

/** What an exit code means, in words: 137 → "killed (SIGKILL: …)". */
export function exitCodeMeaning(code: number): string {
  if (code === 0) return 'exited normally, but a service task is meant to keep running';
  if (code === 1) return 'the program reported an error';
  if (code === 2) return 'the program was called the wrong way (bad arguments)';
  if (code === 125) return 'the container could not be started';
  if (code === 126) return 'the command cannot be executed (permission or not executable)';
  if (code === 127) return 'the command was not found in the image';
  if (code > 128 && code < 160) return `stopped by signal ${code - 128}${SIGNALS[code - 128] ? ` (${SIGNALS[code - 128]})` : ''}`;
  return 'the program reported an error';
}

export interface TaskFailureReason {
  /** "exit code 137: stopped by signal 9 (SIGKILL: …)" */
  reason: string;
  kind: 'exit' | 'image' | 'scheduling' | 'other';
  exitCode?: number;
  constraints?: string[];
  error?: string;
}

const IMAGE_ERROR =
  /No such image|pull access denied|manifest unknown|manifest for .* not found|failed to resolve reference|error pulling image|repository does not exist|not found: manifest|toomanyrequests|unauthorized: /i;

/** The plain reason a task failed, rejected or cannot be scheduled; `constraints` are the service's placement constraints. */
export function explainTask(task: TaskSummary, constraints: string[] = []): TaskFailureReason {
  const error = task.error ?? undefined;
  if (error && /no suitable node/i.test(error)) {
    const why = constraints.length ? `; constraints: ${constraints.join(', ')}` : '';
    return { kind: 'scheduling', reason: `cannot be scheduled: ${error}${why}`, constraints, error };
  }
  if (error && IMAGE_ERROR.test(error))
    return { kind: 'image', reason: `image pull failed (${task.image ?? 'the image'}): ${error}`, error };
  if (task.exitCode !== undefined && task.exitCode !== null && (task.state === 'failed' || task.exitCode !== 0)) {
    return { kind: 'exit', exitCode: task.exitCode, reason: `exit code ${task.exitCode}: ${exitCodeMeaning(task.exitCode)}`, error };
  }
  return { kind: 'other', reason: error ?? task.message ?? `task ${task.state}`, error };
}
