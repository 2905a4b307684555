// docker exec in a task's container: an interactive terminal and a one-shot command (the node agent's console).
export { ContainerExec, EXEC_MARK_VARIABLE, DEFAULT_RUN_MAX_BYTES, DEFAULT_RUN_TIMEOUT_MS } from './container-exec';
export type { ExecSession, ExecSessionOptions, ExecRunOptions, ExecRunResult } from './exec.types';
export { parseConsoleControl, type ConsoleClientMessage, type ConsoleResize, type ConsoleServerMessage } from './exec-protocol';
