import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface RegistryOptions {
  /** e.g. http://10.99.0.1:5000; unset means no registry is configured. */
  url?: string;
  username?: string;
  password?: string;
  timeoutMs: number;
}

export const { ConfigurableModuleClass: RegistryConfigurableModule, MODULE_OPTIONS_TOKEN: REGISTRY_OPTIONS } =
  new ConfigurableModuleBuilder<RegistryOptions>().setClassMethodName('forRoot').build();
