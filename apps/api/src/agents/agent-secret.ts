import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { AppConfig } from '../config/app-config';

/**
 * The secret the node agents expect, read from AGENT_SECRET_FILE (a Docker
 * secret mounted into the app's service). A missing file is not fatal for the
 * app: every node then shows "no agent" with the reason.
 */
@Injectable()
export class AgentSecret {
  private cached?: { value?: string; error?: string; at: number };

  constructor(private readonly config: AppConfig) {}

  get file(): string {
    return this.config.agents.secretFile;
  }

  /** The secret, or undefined with the reason in `problem()`; a missing file is looked at again every 30 s. */
  async value(): Promise<string | undefined> {
    if (this.cached && (this.cached.value !== undefined || Date.now() - this.cached.at < 30_000)) return this.cached.value;
    try {
      const value = (await readFile(this.file, 'utf8')).trim();
      this.cached = value ? { value, at: Date.now() } : { error: `the agent secret file ${this.file} is empty`, at: Date.now() };
    } catch (err) {
      this.cached = {
        error: `the agent secret file ${this.file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        at: Date.now(),
      };
    }
    return this.cached.value;
  }

  problem(): string | undefined {
    return this.cached?.error;
  }

  async authHeader(): Promise<Record<string, string>> {
    const secret = await this.value();
    return secret ? { authorization: `Bearer ${secret}` } : {};
  }
}
