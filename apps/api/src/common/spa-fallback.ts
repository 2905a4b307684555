import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';

/** Paths that belong to the API: an unknown one is a JSON 404, never the SPA. */
export function isApiPath(url: string): boolean {
  return /^\/(api|mcp|metrics)(\/|\?|$)/.test(url);
}

/** Serves the built dashboard's index.html for client-side routes. */
@Injectable()
export class SpaFallback {
  constructor(private readonly config: AppConfig) {}

  available(): boolean {
    return existsSync(join(this.config.webDistDir, 'index.html'));
  }

  send(reply: FastifyReply) {
    // index.html must never be cached: it names the hashed bundles of this build
    return reply.header('cache-control', 'no-cache').sendFile('index.html', this.config.webDistDir);
  }
}
