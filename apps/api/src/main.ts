import 'reflect-metadata';
import { AppConfig } from './config/app-config';
import { validateEnvironmentOrExit } from './config/environment';

async function main() {
  validateEnvironmentOrExit();
  const { createApp } = await import('./bootstrap');
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
}

void main();
