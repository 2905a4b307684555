/** What a secret value is replaced with in every answer, log entry and audit row. */
export const MASK = '********';

// The one rule for "this name holds a secret", used for environment variables,
// stack variables, YAML keys and JSON fields alike.
const SECRET_KEY = /PASSWORD|PASSWD|TOKEN|SECRET|KEY/i;

/** Whether an environment variable (or any field) named `key` holds a secret: *PASSWORD*, *TOKEN*, *SECRET*, *KEY*. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}
