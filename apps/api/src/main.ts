import 'reflect-metadata';
import { AppConfig } from './config/app-config';
import { ConfigurationError, validateEnvironment } from './config/environment';

async function main() {
  // validate before Nest starts, so a bad variable is one clear message and not a DI stack trace
  try {
    validateEnvironment(process.env);
  } catch (err) {
    if (err instanceof ConfigurationError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { createApp } = await import('./bootstrap');
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
}

void main();
