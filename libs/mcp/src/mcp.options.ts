import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface McpOptions {
  name: string;
  version: string;
  /** What the server tells clients about itself at initialize. */
  instructions?: string;
  /** Only read tools (readOnlyHint) are listed and callable, for every caller (MCP_READ_ONLY). */
  readOnly?: boolean;
}

export const { ConfigurableModuleClass: McpConfigurableModule, MODULE_OPTIONS_TOKEN: MCP_OPTIONS } =
  new ConfigurableModuleBuilder<McpOptions>().setClassMethodName('forRoot').build();
